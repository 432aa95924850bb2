/**
 * Abatement of fluorinated greenhouse gases (NF3, CF4, C2F6, C3F8, c-C4F8, SF6, CHF3/HFC-23) in
 * semiconductor manufacturing by point-of-use abatement systems — consumption and factors **per process
 * type**.
 *
 * Equations follow the IPCC 2006 Guidelines Vol. 3 Ch. 6 Tier 2b form (Eq. 6.2 input gases, Eq. 6.3
 * by-products), summed over process types p: the utilisation (1 − U_i,p) and by-product factors B_k,i,p
 * differ between plasma etching and CVD chamber cleaning, and between remote and in-situ NF3 cleaning.
 * The factors are the Tier 2b defaults of IPCC 2006 Vol. 3 Ch. 6 Table 6.3, row by row. They were read
 * from 40 CFR 98 subpart I Table I-5 as amended at 78 FR 68225 (2013) — the table EPA kept for MEMS
 * manufacturing, which carries the IPCC 2006 Tier 2b defaults — and could not be checked against the
 * IPCC PDF here: each is marked `confidence: 'unverified'` and names both tables.
 *
 * 2.0.0 (uploads change): consumption per process type (FC_etch_*, FC_cvd_*); 1.0.0 applied the CVD
 * factors to every kilogram, etch included. Natural gas at the TOOL03 v3.0 upper limits.
 */
import { z } from 'zod';
import { defineMethodology, column, monitoringRow, type ParameterSpec } from '#core/methodology/authoring';

const T63 = 'IPCC 2006 GL Vol. 3 Ch. 6 Table 6.3 (Tier 2b default emission factors, semiconductor manufacturing)';
const I5 = '40 CFR 98 subpart I Table I-5 (78 FR 68225, 2013), same row';
const factorSource = (process: string, row: string, gas: string, value: number) =>
  `${T63}, ${process}, row ${row}, column ${gas}: ${value}. Value read from ${I5}, which reprints the IPCC 2006 Tier 2b defaults (EPA kept them for MEMS manufacturing); not checked against the IPCC PDF [unverified]`;

/**
 * DRE of the abatement system for one gas: required, measured per EPA 430-R-10-003. There is no default: no
 * default DRE from an official text was confirmed, and a default would credit a destruction nobody measured.
 */
const dre = (gas: string) =>
  z
    .number()
    .min(0)
    .max(1)
    .describe(
      `Destruction or removal efficiency of the abatement system for ${gas}, measured per EPA 430-R-10-003 (2010); required, no default (0 for a gas the systems do not abate) [fraction]`,
    );

const project = z.object({
  sector: z.enum(['semiconductor', 'flat-panel-display']).describe('Manufacturing sector; this module carries the semiconductor factors only'),
  abatement_before_project: z
    .boolean()
    .default(false)
    .describe('Whether any of the gases was already abated before the project (then the baseline is not "no abatement")'),
  h: z
    .number()
    .min(0)
    .max(0.5)
    .default(0.1)
    .describe('Heel: fraction of gas left in the cylinder when it is returned, IPCC 2006 Vol. 3 Ch. 6 §6.2.2 default 0.10 [fraction]'),
  EF_grid: z.number().min(0).max(2).describe('CO2 emission factor of the electricity used by the abatement systems, TOOL05 [tCO2/MWh]'),
  DRE_NF3: dre('NF3'),
  DRE_CF4: dre('CF4 (input gas and by-product)'),
  DRE_C2F6: dre('C2F6 (input gas and by-product)'),
  DRE_C3F8: dre('C3F8'),
  DRE_cC4F8: dre('c-C4F8'),
  DRE_SF6: dre('SF6'),
  DRE_CHF3: dre('CHF3 (HFC-23)'),
});

/**
 * One monitored stream: a gas used in one process type, with its Tier 2b factors. `s` is the gas suffix of
 * the DRE and CO2-from-destruction symbols; `B` lists the by-products the row of Table 6.3 gives.
 */
interface Stream {
  readonly col: string;
  readonly s: 'NF3' | 'CF4' | 'C2F6' | 'C3F8' | 'cC4F8' | 'SF6' | 'CHF3';
  readonly gasLabel: string;
  readonly process: string;
  readonly oneMinusU: number;
  readonly B: { readonly CF4?: number; readonly C2F6?: number };
}
const ETCH = 'etch';
const CVD = 'CVD chamber cleaning';
export const STREAMS: readonly Stream[] = [
  { col: 'etch_CF4', s: 'CF4', gasLabel: 'CF4', process: ETCH, oneMinusU: 0.7, B: {} },
  { col: 'etch_C2F6', s: 'C2F6', gasLabel: 'C2F6', process: ETCH, oneMinusU: 0.4, B: { CF4: 0.4 } },
  { col: 'etch_CHF3', s: 'CHF3', gasLabel: 'CHF3', process: ETCH, oneMinusU: 0.4, B: { CF4: 0.07 } },
  { col: 'etch_cC4F8', s: 'cC4F8', gasLabel: 'c-C4F8', process: ETCH, oneMinusU: 0.2, B: { CF4: 0.2, C2F6: 0.2 } },
  { col: 'etch_NF3', s: 'NF3', gasLabel: 'NF3', process: ETCH, oneMinusU: 0.2, B: {} },
  { col: 'etch_SF6', s: 'SF6', gasLabel: 'SF6', process: ETCH, oneMinusU: 0.2, B: {} },
  { col: 'cvd_CF4', s: 'CF4', gasLabel: 'CF4', process: CVD, oneMinusU: 0.9, B: {} },
  { col: 'cvd_C2F6', s: 'C2F6', gasLabel: 'C2F6', process: CVD, oneMinusU: 0.6, B: { CF4: 0.1 } },
  { col: 'cvd_C3F8', s: 'C3F8', gasLabel: 'C3F8', process: CVD, oneMinusU: 0.4, B: { CF4: 0.1 } },
  { col: 'cvd_cC4F8', s: 'cC4F8', gasLabel: 'c-C4F8', process: CVD, oneMinusU: 0.1, B: { CF4: 0.1 } },
  { col: 'cvd_NF3_remote', s: 'NF3', gasLabel: 'NF3 remote plasma', process: CVD, oneMinusU: 0.02, B: { CF4: 0.02 } },
  { col: 'cvd_NF3_insitu', s: 'NF3', gasLabel: 'NF3 (in-situ plasma)', process: CVD, oneMinusU: 0.2, B: { CF4: 0.1 } },
];

const p = (
  value: number,
  unit: string,
  source: string,
  description: string,
  range: readonly [number, number] = [value, value],
  confidence?: 'unverified',
): ParameterSpec => ({ value, unit, source, range, description, ...(confidence ? { confidence } : {}) });

const factorParameters: Record<string, ParameterSpec> = {};
for (const st of STREAMS) {
  factorParameters[`one_minus_U_${st.col}`] = p(
    st.oneMinusU,
    'kg/kg',
    factorSource(st.process, '1 − U_i', st.gasLabel, st.oneMinusU),
    `Fraction of ${st.gasLabel} used in ${st.process} that leaves the process unreacted (1 − U)`,
    [st.oneMinusU, st.oneMinusU],
    'unverified',
  );
  for (const [k, v] of Object.entries(st.B))
    factorParameters[`B_${k}_${st.col}`] = p(
      v,
      `kg ${k}/kg ${st.s}`,
      factorSource(st.process, `B_${k}`, st.gasLabel, v),
      `${k} formed as a by-product per kg of ${st.gasLabel} used in ${st.process}`,
      [v, v],
      'unverified',
    );
}

const parameters = {
  ...factorParameters,
  NCV_NG: p(
    50.4,
    'GJ/t',
    'TOOL03 v3.0 (parameter NCV_i,t): IPCC default at the upper limit of the 95 % confidence interval; IPCC 2006 GL Vol. 2 Ch. 1 Table 1.2, natural gas: default 48.0 TJ/Gg, interval 46.5–50.4, upper limit 50.4',
    'Net calorific value of the natural gas burnt in the abatement systems; IPCC default at the upper limit of its 95 % interval',
  ),
  EF_CO2_NG: p(
    0.0583,
    'tCO2/GJ',
    'TOOL03 v3.0 (parameter EF_CO2,i,t): IPCC default at the upper limit of the 95 % confidence interval; IPCC 2006 GL Vol. 2 Ch. 1 Table 1.4, natural gas: default 56,100 kg CO2/TJ, interval 54,300–58,300, upper limit 58,300',
    'CO2 emission factor of natural gas; IPCC default at the upper limit of its 95 % interval',
  ),
  M_CO2: p(44, 'g/mol', 'Stoichiometry: molar mass of CO2 rounded to whole g/mol (44.01)', 'Molar mass of CO2', [44, 44.01]),
  M_CF4: p(88, 'g/mol', 'Stoichiometry: molar mass of CF4 rounded to whole g/mol (88.00)', 'Molar mass of CF4; 1 mol CO2 per mol destroyed', [88, 88.01]),
  M_C2F6: p(
    138,
    'g/mol',
    'Stoichiometry: molar mass of C2F6 rounded to whole g/mol (138.01)',
    'Molar mass of C2F6; 2 mol CO2 per mol destroyed',
    [138, 138.02],
  ),
  M_C3F8: p(
    188,
    'g/mol',
    'Stoichiometry: molar mass of C3F8 rounded to whole g/mol (188.02)',
    'Molar mass of C3F8; 3 mol CO2 per mol destroyed',
    [188, 188.03],
  ),
  M_cC4F8: p(
    200,
    'g/mol',
    'Stoichiometry: molar mass of c-C4F8 rounded to whole g/mol (200.03)',
    'Molar mass of c-C4F8; 4 mol CO2 per mol destroyed',
    [200, 200.04],
  ),
  M_CHF3: p(70, 'g/mol', 'Stoichiometry: molar mass of CHF3 rounded to whole g/mol (70.01)', 'Molar mass of CHF3; 1 mol CO2 per mol destroyed', [70, 70.02]),
} satisfies Record<string, ParameterSpec>;

/** The seven gases: suffix, gas id, carbon atoms per molecule. */
const GASES = [
  { s: 'NF3', gas: 'NF3', carbon: 0 },
  { s: 'CF4', gas: 'CF4', carbon: 1 },
  { s: 'C2F6', gas: 'C2F6', carbon: 2 },
  { s: 'C3F8', gas: 'C3F8', carbon: 3 },
  { s: 'cC4F8', gas: 'c-C4F8', carbon: 4 },
  { s: 'SF6', gas: 'SF6', carbon: 0 },
  { s: 'CHF3', gas: 'HFC-23', carbon: 1 },
] as const;

const IPCC = 'IPCC 2006 GL Vol. 3 Ch. 6 Eq. 6.2 (Tier 2b, input gas i, summed over process types p)';
const IPCC_BP = 'IPCC 2006 GL Vol. 3 Ch. 6 Eq. 6.3 (Tier 2b, by-product k, summed over process types p and input gases i)';

/** Σ over the streams of gas `s` of `term(stream)`, or 0 when none. */
const sumOf = (items: readonly string[]) => (items.length ? items.join(' + ') : '0');
const inputBL = (s: string) => sumOf(STREAMS.filter((st) => st.s === s).map((st) => `FC_${st.col} * one_minus_U_${st.col}`));
const inputPJ = (s: string) => sumOf(STREAMS.filter((st) => st.s === s).map((st) => `(FC_${st.col} - DRE_${s} * FCa_${st.col}) * one_minus_U_${st.col}`));
const byBL = (k: 'CF4' | 'C2F6') => sumOf(STREAMS.filter((st) => st.B[k] !== undefined).map((st) => `B_${k}_${st.col} * FC_${st.col}`));
const byPJ = (k: 'CF4' | 'C2F6') =>
  sumOf(STREAMS.filter((st) => st.B[k] !== undefined).map((st) => `B_${k}_${st.col} * (FC_${st.col} - DRE_${k} * FCa_${st.col})`));

const consumption = (st: Stream) =>
  column.optional(
    column.number({
      unit: 'kg',
      min: 0,
      max: 1_000_000,
      side: 'baseline',
      description: `${st.gasLabel} consumed in ${st.process} tools in the interval (cylinder weighing or mass-flow controller totals, apportioned to the process type)`,
    }),
    {
      // Baseline side: every kilogram adds (1 − h) × (1 − U) × a × DRE of destroyed gas, worth far more than the CO2
      // its destruction forms, so a missing consumption (counted as 0) only ever lowers ER.
      absent: { value: 0 },
      note: 'absent or empty = the gas was not used in this process type (no credit)',
    },
  );

export default defineMethodology({
  id: 'fgas-abatement',
  version: '2.0.0',
  title: 'Abatement of fluorinated gases (NF3, PFCs, SF6, HFC-23) in semiconductor manufacturing, per process type',
  source: {
    body: 'IPCC / UNFCCC CDM Executive Board',
    document:
      'IPCC 2006 Guidelines Vol. 3 Ch. 6 (Electronics Industry Emissions), Tier 2b, Table 6.3 factors per process type, in the form used by CDM AM0078 / AM0096; TOOL03 v3.0; TOOL05',
    documentVersion: 'IPCC 2006 GL; AM0078 v02.0.0 (draft) / AM0096; TOOL03 v3.0',
    url: 'https://www.ipcc-nggip.iges.or.jp/public/2006gl/vol3.html',
  },
  mechanisms: ['CDM', 'JI', 'A6.4'],
  applicability: [
    {
      id: 'semiconductor-sector',
      ref: 'IPCC 2006 GL Vol. 3 Ch. 6 Table 6.3 (semiconductors) vs Table 6.4 (TFT-FPD); 40 CFR 98 Table I-6 (LCD)',
      description: 'The fab makes semiconductors; the flat-panel factors are not carried by this module.',
      check: (q) =>
        q.sector === 'semiconductor'
          ? { status: 'applicable' }
          : {
              status: 'not-applicable',
              reason: `sector is "${q.sector}": flat-panel (LCD) fabs need the flat-panel utilisation and by-product factors (IPCC 2006 Vol. 3 Ch. 6 Table 6.4; 40 CFR 98 Table I-6), which this module does not carry`,
            },
    },
    {
      id: 'no-abatement-before-project',
      ref: 'AM0078 applicability (baseline: F-gases vented without abatement)',
      description: 'The baseline is venting without abatement: no abatement of the monitored gases before the project.',
      check: (q) =>
        q.abatement_before_project
          ? { status: 'not-applicable', reason: 'abatement_before_project is true: the no-abatement baseline (a = 0) does not hold' }
          : { status: 'applicable' },
    },
  ],
  project,
  monitoring: monitoringRow({
    timestamp: column.timestamp({ description: 'Day (or end of the interval) the consumption refers to' }),
    ...Object.fromEntries(STREAMS.map((st) => [`FC_${st.col}`, consumption(st)])),
    a: column.number({
      unit: '1',
      min: 0,
      max: 1,
      side: 'baseline',
      description: 'Fraction of the interval the abatement systems were on and the gas was routed to them (interlock / alarm logs)',
    }),
    EC_abatement: column.number({
      unit: 'MWh',
      min: 0,
      max: 100_000,
      side: 'project',
      description: 'Electricity consumed by the abatement systems in the interval',
    }),
    FC_NG: column.number({ unit: 't', min: 0, max: 100_000, side: 'project', description: 'Natural gas burnt in the abatement systems in the interval' }),
  }),
  timeColumn: 'timestamp',
  timestampMarks: 'interval-start',
  parameters,
  equations: [
    // Per row: the gas routed to a working abatement system (a varies by row; everything else is linear).
    ...STREAMS.map((st) => ({
      symbol: `FCa_${st.col}`,
      scope: 'row' as const,
      expr: `FC_${st.col} * a`,
      unit: 'kg',
      ref: `${IPCC}: a × FC_i,p (gas routed to abatement)`,
      description: `${st.gasLabel} used in ${st.process} while the abatement system was on`,
    })),
    // Baseline: no abatement (a = 0).
    ...GASES.map(({ s }) => ({
      symbol: `E_${s}_BL`,
      scope: 'period' as const,
      expr: `(1 - h) * (${inputBL(s)}) / 1000`,
      unit: `t ${s}`,
      ref: `${IPCC} with a = 0 (baseline): (1 − h) × Σ_p FC_i,p × (1 − U_i,p)`,
      description: `Baseline emissions of ${s}, tonnes of ${s}`,
    })),
    {
      symbol: 'BPE_CF4_BL',
      scope: 'period',
      expr: `(1 - h) * (${byBL('CF4')}) / 1000`,
      unit: 't CF4',
      ref: `${IPCC_BP} with a = 0 (baseline): (1 − h) × Σ_p Σ_i B_CF4,i,p × FC_i,p`,
      description: 'Baseline CF4 formed as a by-product, tonnes of CF4',
    },
    {
      symbol: 'BPE_C2F6_BL',
      scope: 'period',
      expr: `(1 - h) * (${byBL('C2F6')}) / 1000`,
      unit: 't C2F6',
      ref: `${IPCC_BP} with a = 0 (baseline): (1 − h) × Σ_p Σ_i B_C2F6,i,p × FC_i,p (etch of c-C4F8)`,
      description: 'Baseline C2F6 formed as a by-product, tonnes of C2F6',
    },
    // Project: residual after destruction.
    ...GASES.map(({ s }) => ({
      symbol: `E_${s}_PJ`,
      scope: 'period' as const,
      expr: `(1 - h) * (${inputPJ(s)}) / 1000`,
      unit: `t ${s}`,
      ref: `${IPCC}: (1 − h) × Σ_p FC_i,p × (1 − U_i,p) × (1 − a × d_i)`,
      description: `Project emissions of ${s} not destroyed, tonnes of ${s}`,
    })),
    {
      symbol: 'BPE_CF4_PJ',
      scope: 'period',
      expr: `(1 - h) * (${byPJ('CF4')}) / 1000`,
      unit: 't CF4',
      ref: `${IPCC_BP}: (1 − h) × Σ_p Σ_i B_CF4,i,p × FC_i,p × (1 − a × d_CF4)`,
      description: 'Project by-product CF4 not destroyed, tonnes of CF4',
    },
    {
      symbol: 'BPE_C2F6_PJ',
      scope: 'period',
      expr: `(1 - h) * (${byPJ('C2F6')}) / 1000`,
      unit: 't C2F6',
      ref: `${IPCC_BP}: (1 − h) × Σ_p Σ_i B_C2F6,i,p × FC_i,p × (1 − a × d_C2F6)`,
      description: 'Project by-product C2F6 not destroyed, tonnes of C2F6',
    },
    { symbol: 'PE_EC_y', scope: 'period', expr: 'EC_abatement * EF_grid', unit: 't CO2', ref: 'TOOL05 (electricity consumption): EC_PJ,y × EF_EL,y' },
    {
      symbol: 'PE_FC_y',
      scope: 'period',
      expr: 'FC_NG * NCV_NG * EF_CO2_NG',
      unit: 't CO2',
      ref: 'TOOL03 v3.0 option B: FC_i,y × NCV_i,y × EF_CO2,i,y, IPCC defaults at the upper limit of the 95 % interval',
    },
    {
      symbol: 'PE_CO2_dec_y',
      scope: 'period',
      expr: [
        '(E_CF4_BL - E_CF4_PJ + BPE_CF4_BL - BPE_CF4_PJ) * M_CO2 / M_CF4',
        '(E_C2F6_BL - E_C2F6_PJ + BPE_C2F6_BL - BPE_C2F6_PJ) * 2 * M_CO2 / M_C2F6',
        ...GASES.filter((g) => g.carbon > 0 && g.s !== 'CF4' && g.s !== 'C2F6').map(({ s, carbon }) => `(E_${s}_BL - E_${s}_PJ) * ${carbon} * M_CO2 / M_${s}`),
      ].join(' + '),
      unit: 't CO2',
      ref: 'AM0078/AM0096 project emissions: CO2 formed when carbon-containing F-gases (input gases and by-products) are destroyed (n_C × 44 / M_i per tonne destroyed; NF3 and SF6 form none)',
    },
  ],
  emissions: [
    ...GASES.map(({ s, gas }) => ({ category: 'BE' as const, gas, symbol: `E_${s}_BL` })),
    { category: 'BE', gas: 'CF4', symbol: 'BPE_CF4_BL' },
    { category: 'BE', gas: 'C2F6', symbol: 'BPE_C2F6_BL' },
    ...GASES.map(({ s, gas }) => ({ category: 'PE' as const, gas, symbol: `E_${s}_PJ` })),
    { category: 'PE', gas: 'CF4', symbol: 'BPE_CF4_PJ' },
    { category: 'PE', gas: 'C2F6', symbol: 'BPE_C2F6_PJ' },
    { category: 'PE', gas: 'CO2', symbol: 'PE_EC_y' },
    { category: 'PE', gas: 'CO2', symbol: 'PE_FC_y' },
    { category: 'PE', gas: 'CO2', symbol: 'PE_CO2_dec_y' },
  ],
  checks: [
    {
      id: 'abatement-energy-reported',
      scope: 'period',
      assert: `(${STREAMS.map((st) => `FCa_${st.col}`).join(' + ')}) == 0 or EC_abatement > 0`,
      message: 'Gas was routed to the abatement systems (a > 0) but no abatement electricity EC_abatement was reported; report the metered MWh',
      ref: 'TOOL05: electricity of the abatement systems is a project emission source that must be monitored',
    },
  ],
});
