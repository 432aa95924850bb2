/**
 * Refrigerant leakage: HFC emissions avoided when refrigeration or air-conditioning systems leak less (tighter
 * systems, leak detection) or use a refrigerant of lower GWP, measured by the refrigerant recharged.
 *
 * Baseline: the registered charge of the baseline systems × their baseline annual leak rate (from at least
 * three years of recharge records), pro-rated to the period, split into the Kyoto components of the
 * baseline refrigerant. Project: the refrigerant recharged into each system in each month (the recharge
 * replaces what leaked: the mass-balance approach of IPCC 2006 GL Vol. 3 Ch. 7 for refrigeration), split into
 * the Kyoto components of the refrigerant recharged. Every term is tonnes of one gas (HFC-32, HFC-125, …):
 * the engine applies the GWP of the set in force, so a blend GWP is never hard-coded here. Components
 * outside the Kyoto basket (HFOs, hydrocarbons) are not counted; an HCFC earns no credit at all.
 * Compositions: ASHRAE Standard 34 (core/gases/blends.ts).
 */
import { z } from 'zod';
import { defineMethodology, column, monitoringRow, type ParameterSpec } from '#core/methodology/authoring';
import { findGas, gasSymbol, REFRIGERANTS as ALL_REFRIGERANTS, hasKyotoComponent, nonKyoto, GWP_SET_IDS, GWP_TABLE } from '#core/methodology/authoring';

/**
 * The refrigerants the module offers: every listed one whose Kyoto components have a GWP in every IPCC set (an
 * emission term of a gas without a value in the set in force would reject every period, e.g. HFC-245fa under SAR).
 */
const REFRIGERANTS = ALL_REFRIGERANTS.filter((r) =>
  r.components.every((x) => nonKyoto(x.substance) !== undefined || GWP_SET_IDS.every((set) => GWP_TABLE.get(findGas(x.substance)!.id)?.[set] !== undefined)),
);
const IDS = REFRIGERANTS.map((r) => r.id) as [string, ...string[]];
/** The enum flag of a refrigerant: `R-410A` → `R_410A` (non-alphanumerics become `_`). */
const flag = (id: string) => id.replace(/[^A-Za-z0-9]/g, '_');
/** Kyoto gases that occur in any listed refrigerant, in table order. */
const KYOTO_GASES = [...new Set(REFRIGERANTS.flatMap((r) => r.components.map((x) => x.substance)).filter((s) => !nonKyoto(s)))];
const fractionSymbol = (refrigerant: string, gas: string) => `w_${flag(refrigerant).replace(/^R_/, 'R')}_${gasSymbol(gas)}`;

const IPCC_CH7 =
  'IPCC 2006 GL Vol. 3 Ch. 7 (Emissions of fluorinated substitutes for ozone depleting substances), refrigeration and air conditioning: operating emissions = refrigerant bank × annual leak rate; the refrigerant recharged replaces what leaked (mass balance)';

const project = z.object({
  baseline_refrigerant: z.enum(IDS).describe('Refrigerant of the baseline systems (ASHRAE designation, e.g. R-404A); flags baseline_refrigerant_R_404A, …'),
  M_charge_BL: z
    .number()
    .positive()
    .max(10_000_000)
    .describe('Refrigerant charge of the baseline systems that the project replaced or improved, from the equipment records [kg]'),
  x_leak_BL: z
    .number()
    .min(0)
    .max(1)
    .describe(
      'Baseline annual leak rate of those systems: refrigerant recharged per year / charge, mean of at least three years of recharge records before the project [1/yr]',
    ),
  x_leak_BL_max: z
    .number()
    .min(0)
    .max(1)
    .describe(
      'Highest baseline annual leak rate the registration accepts, as stated in the registered documentation for this kind of system; required, there is no default: a larger registered rate is refused (not-applicable) rather than credited [1/yr]',
    ),
});

const p = (
  value: number,
  unit: string,
  source: string,
  description: string,
  range: readonly [number, number] = [value, value],
  confidence?: 'unverified',
): ParameterSpec => ({ value, unit, source, range, description, ...(confidence ? { confidence } : {}) });

const fractions: Record<string, ParameterSpec> = {};
for (const r of REFRIGERANTS)
  for (const x of r.components) {
    if (nonKyoto(x.substance)) continue;
    fractions[fractionSymbol(r.id, x.substance)] = p(
      Number(x.fraction),
      'kg/kg',
      `${r.source}; ${x.substance} ${Number(x.fraction) * 100} %${r.confidence === 'unverified' ? ' [unverified against the text of the standard]' : ''}`,
      `Mass fraction of ${x.substance} in ${r.id}`,
      [Number(x.fraction), Number(x.fraction)],
      r.confidence === 'unverified' ? 'unverified' : undefined,
    );
  }

const parameters = {
  ...fractions,
  days_per_year: p(
    365,
    'day/yr',
    'Calendar convention for pro-rating an annual leak rate to a monitoring period (365 days per year)',
    'Days per year used to pro-rate the baseline leak',
  ),
} satisfies Record<string, ParameterSpec>;

/** `flagPrefix_R_410A ? w_R410A_HFC_32 : (… : 0)` over the refrigerants that contain `gas`. */
const fractionOf = (flagPrefix: string, gas: string) =>
  REFRIGERANTS.filter((r) => r.components.some((x) => x.substance === gas)).reduceRight(
    (acc, r) => `(${flagPrefix}_${flag(r.id)} ? ${fractionSymbol(r.id, gas)} : ${acc})`,
    '0',
  );

export default defineMethodology({
  id: 'refrigerant-leak',
  version: '1.0.0',
  title: 'Refrigerant leakage reduction in refrigeration and air conditioning (recharged refrigerant per blend, baseline vs project leak)',
  source: {
    body: 'IPCC / ASHRAE',
    document:
      'IPCC 2006 Guidelines Vol. 3 Ch. 7 (refrigeration and air conditioning, mass balance of the refrigerant recharged); ASHRAE Standard 34 blend compositions',
    documentVersion: 'IPCC 2006 GL; ASHRAE Standard 34',
    url: 'https://www.ipcc-nggip.iges.or.jp/public/2006gl/vol3.html',
  },
  mechanisms: ['CDM', 'JI', 'A6.4'],
  applicability: [
    {
      id: 'baseline-refrigerant-in-kyoto-basket',
      ref: 'Kyoto Protocol Annex A as amended (decision 1/CMP.8); Montreal Protocol Annex C (HCFCs)',
      description:
        'The baseline refrigerant contains HFCs of the Kyoto basket; an HCFC such as R-22 is an ozone-depleting substance of the Montreal Protocol and earns no credit.',
      check: (q) => {
        const r = REFRIGERANTS.find((x) => x.id === q.baseline_refrigerant)!;
        return hasKyotoComponent(r)
          ? { status: 'applicable' }
          : {
              status: 'not-applicable',
              reason: `baseline refrigerant ${r.id} (${r.components.map((x) => x.substance).join(', ')}) is outside the Kyoto basket: ${nonKyoto(r.components[0]!.substance)?.reason ?? 'no Kyoto gas'}`,
            };
      },
    },
    {
      id: 'baseline-leak-rate-plausible',
      ref: `${IPCC_CH7}; the registration's upper bound x_leak_BL_max`,
      description: 'The registered baseline annual leak rate does not exceed the upper bound of the registration.',
      check: (q) =>
        q.x_leak_BL <= q.x_leak_BL_max
          ? { status: 'applicable' }
          : {
              status: 'not-applicable',
              reason: `baseline leak rate ${q.x_leak_BL}/yr exceeds the registered upper bound ${q.x_leak_BL_max}/yr; document it with the recharge records or lower it`,
            },
    },
  ],
  project,
  monitoring: monitoringRow({
    month: column.timestamp({ description: 'The month the recharge total refers to (its first day, e.g. 2015-01-01)' }),
    system: column.text({ description: 'Identifier of the refrigeration or air-conditioning system (rack, chiller, unit)', maxLength: 64 }),
    refrigerant: column.oneOf(IDS, { description: 'Refrigerant recharged into the system in the month (ASHRAE designation)' }),
    m_recharge: column.number({
      unit: 'kg',
      min: 0,
      max: 100_000,
      side: 'project',
      description: 'Refrigerant recharged into the system in the month (weighed cylinders before and after, or service records); 0 if none',
    }),
  }),
  timeColumn: 'month',
  timestampMarks: 'interval-start',
  monitoringIntervalMonths: 1,
  monitoringItemColumn: 'system',
  gapPolicy: 'reject',
  parameters,
  equations: [
    ...KYOTO_GASES.map((gas) => ({
      symbol: `m_${gasSymbol(gas)}_PJ`,
      scope: 'row' as const,
      expr: `m_recharge * ${fractionOf('refrigerant', gas)}`,
      unit: 'kg',
      ref: `${IPCC_CH7}; component split by ASHRAE Standard 34 composition`,
      description: `${gas} recharged (leaked) in the month: the recharge × the mass fraction of ${gas} in the refrigerant`,
    })),
    {
      symbol: 'L_BL',
      scope: 'period',
      expr: 'M_charge_BL * x_leak_BL * period_days / days_per_year',
      unit: 'kg',
      ref: `${IPCC_CH7}: baseline leak = charge × annual leak rate, pro-rated to the period`,
      description: 'Refrigerant the baseline systems would have leaked in the period',
    },
    ...KYOTO_GASES.map((gas) => ({
      symbol: `BE_${gasSymbol(gas)}`,
      scope: 'period' as const,
      expr: `L_BL * ${fractionOf('baseline_refrigerant', gas)} / 1000`,
      unit: 't',
      ref: `${IPCC_CH7}; ${gas} share of the baseline refrigerant (ASHRAE Standard 34)`,
      description: `Baseline emissions of ${gas}, tonnes of ${gas}`,
    })),
    ...KYOTO_GASES.map((gas) => ({
      symbol: `PE_${gasSymbol(gas)}`,
      scope: 'period' as const,
      expr: `m_${gasSymbol(gas)}_PJ / 1000`,
      unit: 't',
      ref: `${IPCC_CH7}: project emissions = refrigerant recharged`,
      description: `Project emissions of ${gas}, tonnes of ${gas}`,
    })),
  ],
  emissions: [
    ...KYOTO_GASES.map((gas) => ({ category: 'BE' as const, gas, symbol: `BE_${gasSymbol(gas)}` })),
    ...KYOTO_GASES.map((gas) => ({ category: 'PE' as const, gas, symbol: `PE_${gasSymbol(gas)}` })),
  ],
  checks: [
    ...REFRIGERANTS.filter((r) => !hasKyotoComponent(r)).map((r) => ({
      id: `no-${flag(r.id).toLowerCase().replace(/_/g, '-')}-recharge`,
      scope: 'row' as const,
      assert: `not refrigerant_${flag(r.id)}`,
      message: `${r.id} is an HCFC outside the Kyoto basket (Montreal Protocol): its recharge can neither earn nor cost Kyoto units, and a system still on it is not part of this project; remove the row or register the system's conversion`,
      ref: 'Kyoto Protocol Annex A as amended (decision 1/CMP.8); Montreal Protocol Annex C',
    })),
  ],
});

/** For tests and docs: the Kyoto gases the module books. */
export const MODULE_GASES = KYOTO_GASES.filter((g) => findGas(g));
