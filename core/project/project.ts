import { z } from 'zod';
import { MECHANISMS } from '../mechanisms/mechanisms.ts';
import { GWP_SET_IDS } from '../gases/gwp.ts';
import { isTimeZone } from '../time/zone.ts';
import { GwpOverridesSchema } from './gwp-overrides.ts';
import { unknownKeyMessage } from './suggest.ts';

/**
 * A strict object: an unknown key is an error with a did-you-mean, never dropped (a misspelled
 * optional field would otherwise vanish and its default apply).
 */
function strictObject<S extends z.core.$ZodLooseShape>(shape: S) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? iss.keys.map((k) => unknownKeyMessage(k, known)).join('; ') : undefined),
  });
}

/** The largest integer a registration may hold: JSON numbers above it are not exact in IEEE 754 doubles (nor storable in DynamoDB through the SDK). */
export const MAX_EXACT = Number.MAX_SAFE_INTEGER;
const TOO_LARGE = `larger than 2^53 − 1 (${MAX_EXACT}): a number that large is not stored or computed exactly; check the value and its unit`;

/** Every number in a JSON value, with its path, that is not finite or whose magnitude exceeds {@link MAX_EXACT}. */
export function inexactNumbers(
  value: unknown,
  path: (string | number)[] = [],
  out: { path: (string | number)[]; value: number }[] = [],
  depth = 0,
): { path: (string | number)[]; value: number }[] {
  if (depth > 64) return out;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) > MAX_EXACT) out.push({ path, value });
  } else if (Array.isArray(value)) value.forEach((v, i) => inexactNumbers(v, [...path, i], out, depth + 1));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) inexactNumbers(v, [...path, k], out, depth + 1);
  return out;
}
import { PROFILE_ROUNDING_MODES } from '../quantity/rounding-modes.ts';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a calendar date');

const GwpRuleSchema = z.union([z.object({ set: z.enum(GWP_SET_IDS) }).strict(), z.object({ lowestOf: z.array(z.enum(GWP_SET_IDS)).min(1) }).strict()]);

export const PeriodSchema = z.object({ start: isoDate, end: isoDate }).refine((p) => p.start <= p.end, { message: 'start must not be after end' });

/** A project id: lowercase letters, digits and hyphens, 2–63 characters (safe in S3 keys and table keys). */
export const PROJECT_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

/**
 * A project as registered with the pipeline: which methodology (exact id and version) it was
 * registered under, the mechanism, host country, scale, and the parameters fixed at registration
 * (validated by the methodology's own project schema).
 *
 * @example see methodologies/grid-renewable/1.0.0/fixtures/project.json
 */
export const ProjectSchema = strictObject({
  schemaVersion: z.literal(1).default(1),
  id: z.string().regex(PROJECT_ID, 'lowercase letters, digits and hyphens, 2–63 characters'),
  name: z.string().min(1),
  /** `id@version`, exactly as registered; there is no "latest". */
  methodology: z.string().regex(/^[a-z0-9][a-z0-9-]*@\d+\.\d+\.\d+$/, 'expected <methodology-id>@<major.minor.patch>'),
  mechanism: z.enum(MECHANISMS),
  /** ISO 3166-1 alpha-2 code of the host country. */
  hostCountry: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code, e.g. "IN"'),
  /** Least developed countries are exempt from the CDM share of proceeds (17/CP.7 para 15). */
  leastDevelopedCountry: z.boolean(),
  /**
   * The site's IANA time zone (`Asia/Kolkata`, `America/Sao_Paulo`): timestamps without an offset are
   * read in it, periods and messages are shown in it, and local dates (crediting period, `--period`,
   * calibration dates) mean days on its clock. Absent: UTC, with a warning (docs/periods-and-time.md).
   */
  timeZone: z.string().refine(isTimeZone, 'not an IANA time zone (e.g. "Asia/Kolkata", "America/Sao_Paulo", "UTC")').optional(),
  /** Sets the materiality threshold of verification (decision 9/CMP.7). */
  scale: z.enum(['large', 'small', 'micro']),
  /** Pins a GWP set; otherwise the mechanism and period decide. */
  gwpSet: z.enum(GWP_SET_IDS).optional(),
  /**
   * Pins a GWP policy, per gas if needed: `default` (and each `perGas` entry) is one IPCC set
   * (`{ "set": "AR5" }`) or the lowest of several (`{ "lowestOf": ["SAR", "AR4", "AR5"] }`); `source`
   * names the text that requires it. Wins over `gwpSet` and over the mechanism's rule.
   */
  gwpPolicy: strictObject({
    default: GwpRuleSchema,
    perGas: z.record(z.string(), GwpRuleSchema).optional(),
    source: z.string().min(3),
  }).optional(),
  /**
   * Replaces single GWP values with another published value and its source (core/project/gwp-overrides.ts:
   * keyed by gas id, never CO2, within the plausible range; only gases the methodology uses).
   */
  gwpOverrides: GwpOverridesSchema.optional(),
  creditingPeriod: strictObject({ start: isoDate, end: isoDate }).refine((p) => p.start <= p.end, { message: 'start must not be after end' }),
  /** Estimated annual emission reductions in the registered PDD, tCO2e/yr. */
  pddAnnualEstimate: z.number().nonnegative().max(MAX_EXACT, TOO_LARGE),
  /** Parameters fixed at registration, checked by the methodology's project schema (unknown names are refused there). */
  parameters: z.record(z.string(), z.unknown()).superRefine((p, ctx) => {
    for (const bad of inexactNumbers(p))
      ctx.addIssue({
        code: 'custom',
        path: bad.path,
        message: Number.isFinite(bad.value) ? `${bad.value} is ${TOO_LARGE}` : `${bad.value} is not a finite number`,
      });
  }),
  /**
   * Meters with their calibration record (QA/QC). Readings taken while a calibration is overdue are
   * adjusted by the maximum permissible error in the conservative direction.
   */
  meters: z
    .array(
      strictObject({
        id: z.string().min(1),
        columns: z.array(z.string().min(1)).min(1),
        mpe: z.number().gt(0).lt(0.2),
        calibrationIntervalDays: z.number().int().positive().max(36_525, 'at most 100 years'),
        calibrations: z.array(isoDate).min(1),
      }),
    )
    .optional(),
  /**
   * Expected monitoring frequency of the registered monitoring plan, in minutes (15 for 15-minute
   * meter data). Overrides the methodology's default: duplicate readings for one interval are then
   * rejected and gaps listed (and treated as the methodology's gap policy says).
   */
  monitoringIntervalMinutes: z.number().int().positive().max(44_640).optional(),
  /**
   * Monitoring plan: the emission sources of the methodology the site has (`true`) or does not have
   * (`false`), e.g. `{ "diesel_backup": false }`. A project-side or leakage column that measures a
   * source may be left out of a monitoring file only when the site does not have it; a source not
   * listed here must be reported (its column present, 0 where nothing was emitted).
   */
  sources: z.record(z.string(), z.boolean()).optional(),
  /** The same for monthly (or n-monthly) data: calendar months on the site's clock. */
  monitoringIntervalMonths: z.number().int().min(1).max(12).optional(),
  /**
   * Rounding as registered (off by default): symbol → decimals, mode and where the registered
   * calculation does it, e.g. `{ "EF_grid_CM": { "decimals": 4, "mode": "truncate", "source": "PDD ER sheet" } }`.
   * Applies to a period equation's value or a row equation's period sum, exactly (decimal), before
   * later equations read it; `ER` rounds the period's total emission reductions. Shown in the trace.
   */
  rounding: z
    .record(z.string().min(1), z.object({ decimals: z.number().int().min(0).max(12), mode: z.enum(PROFILE_ROUNDING_MODES), source: z.string().min(3) }))
    .optional(),
  /** JCM: shares of credits allocated to named accounts (e.g. the Government of Japan); the rest goes to the project participants. */
  jcmAllocation: z.array(strictObject({ account: z.string().min(1), share: z.number().gt(0).lte(1) })).optional(),
});

export type Project = z.infer<typeof ProjectSchema>;
export type ProjectInput = z.input<typeof ProjectSchema>;
