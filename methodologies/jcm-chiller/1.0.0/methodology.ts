/**
 * JCM ID_AM002 "Energy Saving by Introduction of High Efficiency Centrifugal Chiller" ver02.0
 * (Indonesia; Thailand's TH_AM005 has the same structure). Reference emissions are the project
 * chillers' electricity scaled by the ratio of the project chiller's COP, corrected to standard
 * temperature conditions, to the (conservative) reference COP:
 *
 *     COP_PJ,tc,i = COP_PJ,i × (T_cooling-out,i − T_chilled-out,i + TD_chilled + TD_cooling)
 *                            / (T_cooling-out,std − T_chilled-out,std + TD_chilled + TD_cooling)
 *     RE_p = Σ_i EC_PJ,i,p × (COP_PJ,tc,i / COP_RE,i) × EF_elec
 *     PE_p = Σ_i EC_PJ,i,p × EF_elec
 *
 * As in the JCM monitoring spreadsheet, only EC_PJ,i,p is monitored (one row per chiller and month);
 * the COPs and the design temperatures of each chiller are fixed ex ante (spec sheets) and registered
 * with the project, for up to four chillers (slots 1–4). Every period equation is exact decimal: no
 * intermediate COP is rounded.
 */
import { z } from 'zod';
import { defineMethodology, column, monitoringRow, type ParameterSpec } from '#core/methodology/authoring';

/** Chiller slots this version supports. */
export const SLOTS = [1, 2, 3, 4] as const;
const ID_AM002 = 'JCM_ID_AM002 ver02.0';

const perChiller = (i: number) => ({
  [`COP_PJ_${i}`]: z
    .number()
    .gt(0)
    .max(15)
    .optional()
    .describe(
      `COP of project chiller ${i} at its project-specific design conditions, from the manufacturer's spec sheet (fixed ex ante; required when n_chillers ≥ ${i}) [1]`,
    ),
  [`T_cooling_out_${i}`]: z
    .number()
    .min(15)
    .max(50)
    .optional()
    .describe(`Cooling-water outlet temperature of project chiller ${i} at its design conditions, spec sheet (fixed ex ante) [°C]`),
  [`T_chilled_out_${i}`]: z
    .number()
    .min(0)
    .max(20)
    .optional()
    .describe(`Chilled-water outlet temperature of project chiller ${i} at its design conditions, spec sheet (fixed ex ante) [°C]`),
  [`COP_RE_${i}`]: z
    .number()
    .gt(0)
    .max(15)
    .optional()
    .describe(`Reference COP for chiller ${i}: the default of the methodology for its cooling-capacity band (USRt), fixed ex ante [1]`),
});

type ChillerFields = { [K in `${'COP_PJ' | 'T_cooling_out' | 'T_chilled_out' | 'COP_RE'}_${(typeof SLOTS)[number]}`]?: number | undefined };

const base = z.object({
  n_chillers: z
    .number()
    .int()
    .min(1)
    .max(SLOTS.length)
    .describe('Number of project chillers i registered (slots 1 … n_chillers of the per-chiller parameters) [1]'),
  EF_elec: z
    .number()
    .min(0)
    .max(2)
    .describe('CO2 emission factor of the electricity consumed (grid or captive power), fixed ex ante in the methodology spreadsheet [tCO2/MWh]'),
  centrifugal_chiller: z.boolean().describe('The project chillers are centrifugal chillers (ID_AM002 eligibility)'),
  refrigerant_odp_zero: z.boolean().describe('The refrigerant of the project chillers has an ozone depletion potential of zero (ID_AM002 eligibility)'),
  refrigerant_recovery_plan: z
    .boolean()
    .describe('A plan prevents the release of the refrigerant to the air when the chillers (and the replaced ones) are removed (ID_AM002 eligibility)'),
  ...perChiller(1),
  ...perChiller(2),
  ...perChiller(3),
  ...perChiller(4),
});

/** Every registered chiller (slot ≤ n_chillers) has its four ex-ante values: a registration error otherwise. */
const project = base.superRefine((p, ctx) => {
  const q = p as typeof p & ChillerFields;
  for (const i of SLOTS) {
    if (i > p.n_chillers) continue;
    for (const f of ['COP_PJ', 'T_cooling_out', 'T_chilled_out', 'COP_RE'] as const) {
      if (q[`${f}_${i}`] === undefined)
        ctx.addIssue({ code: 'custom', path: [`${f}_${i}`], message: `chiller ${i} is registered (n_chillers = ${p.n_chillers}) but ${f}_${i} is missing` });
    }
  }
});

const parameters = {
  T_cooling_out_std: {
    confidence: 'unverified',
    value: 37,
    unit: '°C',
    source: `${ID_AM002}: standardizing temperature conditions, cooling-water outlet 37 °C (unverified)`,
    range: [37, 37],
    description: 'Cooling-water outlet temperature of the standard conditions',
  },
  T_chilled_out_std: {
    confidence: 'unverified',
    value: 7,
    unit: '°C',
    source: `${ID_AM002}: standardizing temperature conditions, chilled-water outlet 7 °C (unverified)`,
    range: [7, 7],
    description: 'Chilled-water outlet temperature of the standard conditions',
  },
  TD_chilled: {
    confidence: 'unverified',
    value: 1.5,
    unit: '°C',
    source: `${ID_AM002}: temperature difference between chilled-water outlet and evaporating temperature, 1.5 °C (unverified)`,
    range: [1.5, 1.5],
    description: 'Temperature difference on the chilled-water (evaporator) side',
  },
  TD_cooling: {
    confidence: 'unverified',
    value: 1.5,
    unit: '°C',
    source: `${ID_AM002}: temperature difference between condensing temperature and cooling-water outlet, 1.5 °C (unverified)`,
    range: [1.5, 1.5],
    description: 'Temperature difference on the cooling-water (condenser) side',
  },
  COP_PJ_min: {
    confidence: 'unverified',
    value: 6.0,
    unit: '1',
    source: `${ID_AM002} eligibility: COP of the project chiller above 6.0 (GEC FY2013 study) (unverified which COP is meant: the rated COP at design conditions is assumed)`,
    range: [6.0, 6.0],
    description: 'Minimum COP of a project chiller (applicability; strict inequality)',
  },
} satisfies Record<string, ParameterSpec>;

const fmt = (n: number) => String(n);

export default defineMethodology({
  id: 'jcm-chiller',
  version: '1.0.0',
  title: 'JCM ID_AM002: energy saving by introduction of high-efficiency centrifugal chillers',
  source: {
    body: 'Joint Crediting Mechanism, Indonesia–Japan Joint Committee',
    document: 'JCM_ID_AM002 "Energy Saving by Introduction of High Efficiency Centrifugal Chiller" (same structure as TH_AM005)',
    documentVersion: '02.0',
    url: 'https://www.jcm.go.jp/id-jp/methodologies',
  },
  mechanisms: ['JCM'],
  // Monthly readings per chiller: one per chiller and calendar month; a second one is refused, and a
  // missing month of a chiller counts as nothing (no reference emissions for it: conservative).
  monitoringIntervalMonths: 1,
  monitoringItemColumn: 'chiller',
  gapPolicy: 'zero-fill',
  applicability: [
    {
      id: 'centrifugal-chiller',
      ref: `${ID_AM002} eligibility criterion 1 (centrifugal chiller)`,
      description: 'The project introduces centrifugal chillers.',
      check: (p) =>
        p.centrifugal_chiller
          ? { status: 'applicable' }
          : { status: 'not-applicable', reason: 'centrifugal_chiller is false: ID_AM002 covers centrifugal chillers only' },
    },
    {
      id: 'cop-above-6',
      ref: `${ID_AM002} eligibility (COP > 6.0; GEC FY2013 study) (unverified: the rated COP at design conditions is assumed, not COP_PJ,tc)`,
      description: 'Every registered project chiller has COP_PJ,i above 6.0.',
      check: (p) => {
        const q = p as typeof p & ChillerFields;
        const low = SLOTS.filter((i) => i <= p.n_chillers && !((q[`COP_PJ_${i}`] ?? 0) > parameters.COP_PJ_min.value));
        return low.length === 0
          ? { status: 'applicable' }
          : {
              status: 'not-applicable',
              reason: low.map((i) => `chiller ${i} has COP_PJ_${i} = ${fmt(q[`COP_PJ_${i}`] ?? 0)}, not above ${parameters.COP_PJ_min.value}`).join('; '),
            };
      },
    },
    {
      id: 'refrigerant-odp-zero',
      ref: `${ID_AM002} eligibility (refrigerant with zero ozone depletion potential)`,
      description: 'The refrigerant has an ODP of zero.',
      check: (p) =>
        p.refrigerant_odp_zero
          ? { status: 'applicable' }
          : { status: 'not-applicable', reason: 'refrigerant_odp_zero is false: ID_AM002 requires a refrigerant with ODP = 0' },
    },
    {
      id: 'refrigerant-recovery-plan',
      ref: `${ID_AM002} eligibility (plan to prevent release of refrigerant)`,
      description: 'A refrigerant recovery plan exists for the removal of the chillers.',
      check: (p) =>
        p.refrigerant_recovery_plan
          ? { status: 'applicable' }
          : { status: 'not-applicable', reason: 'refrigerant_recovery_plan is false: ID_AM002 requires a plan to prevent the release of refrigerant' },
    },
  ],
  project,
  monitoring: monitoringRow({
    timestamp: column.timestamp({ description: 'First day of the month (or interval) the reading refers to' }),
    chiller: column.oneOf(['1', '2', '3', '4'], { description: 'Project chiller i the reading belongs to: its slot number 1–4 in the registration' }),
    EC_PJ: column.number({
      unit: 'MWh',
      min: 0,
      max: 100_000,
      side: 'project',
      description: 'Electricity consumed by project chiller i in the interval, EC_PJ,i,p (Option C: own measurement with a calibrated meter)',
    }),
  }),
  timeColumn: 'timestamp',
  timestampMarks: 'interval-start',
  parameters,
  equations: [
    ...SLOTS.map((i) => ({
      symbol: `EC_PJ_${i}`,
      scope: 'row' as const,
      expr: `chiller_${i} ? EC_PJ : 0`,
      unit: 'MWh',
      ref: `${ID_AM002}: EC_PJ,i,p for i = ${i}`,
      description: `Electricity of chiller ${i}; summed over the period it is EC_PJ,${i},p`,
    })),
    ...SLOTS.map((i) => ({
      symbol: `COP_PJ_tc_${i}`,
      scope: 'period' as const,
      expr: `n_chillers >= ${i} ? COP_PJ_${i} * (T_cooling_out_${i} - T_chilled_out_${i} + TD_chilled + TD_cooling) / (T_cooling_out_std - T_chilled_out_std + TD_chilled + TD_cooling) : 0`,
      unit: '1',
      ref: `${ID_AM002}: COP_PJ,tc,i (COP of project chiller i corrected to the standardizing temperature conditions), i = ${i}`,
      description: `COP of chiller ${i} at standard conditions (0 when the slot is not registered); exact, not rounded`,
    })),
    ...SLOTS.map((i) => ({
      symbol: `RE_${i}`,
      scope: 'period' as const,
      expr: `n_chillers >= ${i} ? EC_PJ_${i} * (COP_PJ_tc_${i} / COP_RE_${i}) * EF_elec : 0`,
      unit: 't CO2',
      ref: `${ID_AM002}: RE_p term of chiller i = ${i}, EC_PJ,i,p × (COP_PJ,tc,i / COP_RE,i) × EF_elec`,
      description: `Reference emissions attributable to chiller ${i}`,
    })),
    {
      symbol: 'RE_p',
      scope: 'period',
      expr: SLOTS.map((i) => `RE_${i}`).join(' + '),
      unit: 't CO2',
      ref: `${ID_AM002}: RE_p = Σ_i EC_PJ,i,p × (COP_PJ,tc,i / COP_RE,i) × EF_elec`,
      description: 'Reference emissions of the period',
    },
    {
      symbol: 'PE_p',
      scope: 'period',
      expr: 'EC_PJ * EF_elec',
      unit: 't CO2',
      ref: `${ID_AM002}: PE_p = Σ_i EC_PJ,i,p × EF_elec`,
      description: 'Project emissions of the period',
    },
  ],
  emissions: [
    { category: 'BE', gas: 'CO2', symbol: 'RE_p' },
    { category: 'PE', gas: 'CO2', symbol: 'PE_p' },
  ],
  checks: [
    {
      id: 'chiller-registered',
      scope: 'row',
      assert: SLOTS.map((i) => (i === 1 ? 'chiller_1' : `(chiller_${i} and n_chillers >= ${i})`)).join(' or '),
      message: 'The row names a chiller slot that is not registered (slot number above n_chillers); register the chiller or correct the slot',
      ref: `${ID_AM002}: EC_PJ,i,p is monitored for each registered project chiller i`,
    },
  ],
});
