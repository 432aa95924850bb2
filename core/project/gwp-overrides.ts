import { z } from 'zod';
import { GASES, findGas } from '../gases/gases.ts';
import { GWP_SET_IDS, GWP_TABLE } from '../gases/gwp.ts';
import { Dec } from '../quantity/decimal.ts';
import { didYouMean } from './suggest.ts';

/**
 * The plausible range of a GWP override (the rule, stated once):
 *
 *   80 % of the lowest to 125 % of the highest 100-year GWP that IPCC SAR, AR4, AR5 and AR6 publish
 *   for the gas (the values of core/gases/gwp.ts).
 *
 * Why: an override exists to replace a value with another *published* one (an AR4 value the table
 * marks unsure, AR6's fossil-methane 29.8 instead of the generic 27.9, a value a mechanism's decision
 * fixes). Published values lie among the assessment reports' values; the margin (×0.8 … ×1.25, the
 * same factor both ways on a log scale) admits published variants outside the four tables, such as
 * AR5 with climate-carbon feedback (CH4 34, 21 % above AR6's 27.9 but within 125 % of the highest
 * table value) while refusing what is a mistake, not a source: a unit slip (kg for t, ×1000), a
 * value of another gas (CO2 = 1000, CH4 = 298), or an exponent typo (1e-7). A crediting system must
 * not let such a value through, because a higher GWP on the baseline side credits more tonnes.
 */
export const OVERRIDE_RANGE_FACTORS = { low: '0.8', high: '1.25' } as const;

/** Published values of a gas across the four assessment reports, and the override range derived from them. */
export function plausibleGwpRange(
  gasId: string,
): { readonly published: { readonly min: string; readonly max: string }; readonly min: string; readonly max: string } | undefined {
  const row = GWP_TABLE.get(gasId);
  if (!row) return undefined;
  const values = GWP_SET_IDS.map((s) => row[s]?.value)
    .filter((v): v is string => v !== undefined)
    .map((v) => new Dec(v));
  if (!values.length) return undefined;
  const min = Dec.min(...values);
  const max = Dec.max(...values);
  return {
    published: { min: min.toString(), max: max.toString() },
    min: min.times(OVERRIDE_RANGE_FACTORS.low).toString(),
    max: max.times(OVERRIDE_RANGE_FACTORS.high).toString(),
  };
}

/** Gases whose GWP is 1 by definition: never overridable. */
const FIXED = new Set(['CO2', 'CO2e']);

const GAS_IDS = GASES.map((g) => g.id);

export const GwpOverrideSchema = z.strictObject(
  {
    value: z.number().positive('a GWP is positive').finite(),
    source: z.string().trim().min(3, 'name the published source of the value (report, table, decision)'),
  },
  {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown key${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => JSON.stringify(k)).join(', ')}: an override has exactly "value" and "source"`
        : undefined,
  },
);

/**
 * `gwpOverrides` of a registration: keyed by the gas id exactly as the pipeline writes it (`CH4`,
 * `HFC-23`, `c-C4F8`): a formula (`CHF3`) or another case (`ch4`) is an error naming the id, never a
 * key that silently matches nothing. CO2 cannot be overridden; values must lie in
 * {@link plausibleGwpRange}. Whether the methodology uses the gas is checked with the methodology
 * (core/project/registration.ts).
 */
export const GwpOverridesSchema = z.record(z.string(), GwpOverrideSchema).superRefine((overrides, ctx) => {
  for (const [key, o] of Object.entries(overrides)) {
    const exact = GASES.find((g) => g.id === key);
    if (!exact) {
      const gas = findGas(key);
      const guess = gas ? undefined : didYouMean(key, GAS_IDS);
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: gas
          ? `overrides are keyed by the gas id exactly as written in results: write ${JSON.stringify(gas.id)}, not ${JSON.stringify(key)}`
          : `unknown gas ${JSON.stringify(key)}${guess ? ` (did you mean ${JSON.stringify(guess)}?)` : ''}; known: ${GAS_IDS.filter((g) => !FIXED.has(g)).join(', ')}`,
      });
      continue;
    }
    if (FIXED.has(exact.id)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `${exact.id} has a GWP of 1 by definition (it is the reference gas): it cannot be overridden` });
      continue;
    }
    const range = plausibleGwpRange(exact.id);
    if (!range || !Number.isFinite(o.value)) continue;
    const v = new Dec(o.value);
    if (v.lessThan(range.min) || v.greaterThan(range.max)) {
      ctx.addIssue({
        code: 'custom',
        path: [key, 'value'],
        message: `${exact.id} = ${new Dec(o.value).toFixed()} is outside the plausible range ${range.min}–${range.max} (80 % of the lowest to 125 % of the highest 100-year GWP IPCC SAR, AR4, AR5 and AR6 publish for ${exact.id}: ${range.published.min}–${range.published.max})`,
      });
    }
  }
});

/** An override value as an exact plain decimal string (`1e-7` would be `0.0000001`, never exponent form). */
export const gwpOverrideText = (value: number): string => new Dec(value).toFixed();
