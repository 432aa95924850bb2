import { StoredPeriodSchema } from '../time/period.ts';
import { z } from 'zod';
import type { Actor, FirstApproval } from '../access/authorize.ts';
import { MECHANISMS } from '../mechanisms/mechanisms.ts';
import { GWP_SET_IDS } from '../gases/gwp.ts';
import { DecimalString } from '../quantity/decimal-string.ts';

/**
 * Messages between the pipeline and verifiers. Both are versioned (`schemaVersion`): a consumer
 * accepts every version it knows, and fields are only ever added (optional) within a version, so an
 * item written by an older producer keeps parsing (test/events/review/*.json are the fixtures that
 * prove it). Unknown fields are dropped on parse, so a newer producer does not break an older reader.
 */

/** A decimal quantity as the calculation reports it: `"1790"`, `"-3.5"`, `"36037.123456"`. */
export { DecimalString };
/** Upload id: the first 32 hex characters of sha256(projectId + ':' + file sha256). */
export const UploadIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'expected 32 lowercase hex characters');
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 in hex');
const IsoDateTime = z.iso.datetime({ offset: true });

const GasQuantitySchema = z.object({ t: DecimalString, tCO2e: DecimalString });

export const DeductionSchema = z.object({
  account: z.string().min(1),
  purpose: z.enum(['share-of-proceeds', 'ccs-reserve', 'omge-cancellation', 'allocation']),
  units: DecimalString,
  rate: DecimalString,
  rounding: z.enum(['floor', 'ceil', 'half-up']),
  source: z.string().min(1),
});

export const IssuanceSchema = z.object({
  units: DecimalString,
  rounding: z.string(),
  deductions: z.array(DeductionSchema),
  toParticipants: DecimalString,
  storageReversal: DecimalString.optional(),
});

/**
 * One accepted upload waiting for a verifier: the evidence summary. The full result, with the
 * equation trace, is in S3 under `resultKey`.
 */
export const ReviewItemSchema = z.object({
  schemaVersion: z.literal(1),
  uploadId: UploadIdSchema,
  projectId: z.string().min(1),
  mechanism: z.enum(MECHANISMS),
  file: z.object({ key: z.string().min(1), sha256: Sha256, bytes: z.number().int().nonnegative(), versionId: z.string().optional() }),
  methodology: z.object({ id: z.string().min(1), version: z.string().min(1), hash: z.string().min(1) }),
  period: StoredPeriodSchema,
  totals: z.object({ BE: DecimalString, PE: DecimalString, LE: DecimalString, ER: DecimalString }),
  gases: z.array(z.object({ gas: z.string(), gwp: DecimalString, BE: GasQuantitySchema, PE: GasQuantitySchema, LE: GasQuantitySchema, ER: DecimalString })),
  gwp: z.object({
    set: z.string().min(1),
    reason: z.string(),
    values: z.record(z.string(), z.object({ value: DecimalString, set: z.enum(GWP_SET_IDS), rule: z.string() })).optional(),
    /** GWP values the registration overrides (gas id, value used, its source, the set's value it replaces). */
    overrides: z.array(z.object({ gas: z.string(), value: DecimalString, source: z.string(), replaces: DecimalString.optional() })).optional(),
  }),
  /** Whole units before deductions, and the deductions the ledger will record. */
  issuable: z.object({
    units: DecimalString,
    rounding: z.string(),
    creditType: z.string().optional(),
    expires: z.string().optional(),
    expiryRule: z.string().optional(),
    smallScaleCap: z
      .object({
        kind: z.string(),
        perYear: DecimalString,
        unit: z.string(),
        limit: DecimalString,
        proRating: z.string(),
        uncapped: DecimalString,
        capped: DecimalString,
        excess: DecimalString,
        applied: z.boolean(),
        source: z.string(),
      })
      .optional(),
    erRounding: z.object({ kind: z.literal('rounding'), from: DecimalString, to: DecimalString, rule: z.string(), source: z.string() }).optional(),
  }),
  issuance: IssuanceSchema,
  /** The claimed ER against the registered PDD estimate pro-rated to the period (MR section E.5/E.6). */
  pddComparison: z.object({
    annualEstimate: z.number().nonnegative(),
    periodDays: z.number().positive(),
    /** annualEstimate × periodDays / 365. */
    proRatedEstimate: DecimalString,
    /** ER − pro-rated estimate. */
    difference: DecimalString,
    /** ER / pro-rated estimate × 100; absent when the estimate is 0. */
    percentOfEstimate: DecimalString.optional(),
  }),
  materiality: z.object({
    percent: DecimalString,
    tonnes: DecimalString,
    bracket: z.string(),
    annualEr: DecimalString,
    annualBasis: z.string(),
    source: z.string(),
  }),
  rows: z.object({ total: z.number().int(), accepted: z.number().int(), rejected: z.number().int() }),
  warnings: z.number().int().nonnegative(),
  /** S3 key of the full CalculationResult (with the trace). */
  resultKey: z.string().min(1),
  /** S3 key of the human-readable report. */
  reportKey: z.string().min(1),
  createdAt: IsoDateTime,
  /**
   * Present when the item is a monitoring report (core/report/monitoring-report.ts): `uploadId` is then
   * the report id, and this lists the uploads it merges, in period order, each with its own numbers.
   */
  report: z
    .object({
      reportId: UploadIdSchema,
      documentKey: z.string().min(1),
      uploads: z.array(
        z.object({
          uploadId: UploadIdSchema,
          name: z.string(),
          key: z.string(),
          sha256: Sha256,
          period: StoredPeriodSchema,
          rows: z.object({ total: z.number().int(), accepted: z.number().int(), rejected: z.number().int() }),
          er: DecimalString.optional(),
        }),
      ),
    })
    .optional(),
});
export type ReviewItem = z.infer<typeof ReviewItemSchema>;

/** A verifier's decision on one review item. A rejection must say why. */
export const DecisionSchema = z
  .object({
    schemaVersion: z.literal(1),
    uploadId: UploadIdSchema,
    decision: z.enum(['approve', 'reject']),
    /**
     * The name the sender typed. Informational only: the decision function records the authenticated
     * principal's name from the verifier register instead (core/access), never this.
     */
    verifier: z.string().trim().min(1, 'the verifier must be named').optional(),
    reason: z.string().trim().min(1).optional(),
    decidedAt: IsoDateTime,
  })
  .refine((d) => d.decision !== 'reject' || (d.reason !== undefined && d.reason.length > 0), { message: 'a rejection needs a reason', path: ['reason'] });
/**
 * A decision as the pipeline records it: the message, plus what only the decision function sets after
 * authenticating the sender (never parsed from the wire: the schema drops these fields).
 */
export type Decision = z.infer<typeof DecisionSchema> & {
  /** The authenticated verifier, from the verifier register. */
  readonly actor?: Actor;
  /** Maker–checker: the first approval this (second) approval completes. */
  readonly firstApproval?: FirstApproval;
};
