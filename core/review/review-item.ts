import type { CalculationResult } from '../calculation/result.ts';
import { Dec } from '../quantity/decimal.ts';
import { computeIssuance } from '../issuance/issuance.ts';
import type { Period } from '../mechanisms/mechanisms.ts';
import { periodDays as daysOf } from '../time/period.ts';
import type { Project } from '../project/project.ts';
import { materiality } from './materiality.ts';
import { ReviewItemSchema, type ReviewItem } from './schemas.ts';

/**
 * Days in a period: the length of `[start, end)` (core/time/period.ts); a legacy period counts its
 * first and last day. Exact, so a period with a DST change is a fraction of a day shorter or longer.
 */
export function periodDays(period: Period): number {
  return daysOf(period);
}

export interface BuildReviewItemInput {
  /** An `accepted` result. */
  readonly result: CalculationResult;
  readonly uploadId: string;
  readonly project: Project;
  /** The methodology is a CCS project activity (its `tags` include `ccs`). */
  readonly ccs: boolean;
  readonly file: { readonly key: string; readonly versionId?: string };
  readonly resultKey: string;
  readonly reportKey: string;
  /** ISO date-time. */
  readonly createdAt: string;
}

/**
 * The evidence summary a verifier reviews, from an accepted result: totals, per-gas breakdown, GWP
 * set and reason, issuable units and the issuance deductions, ER against the PDD estimate pro-rated
 * to the period, and the materiality threshold. Throws if the result is not `accepted` (a caller bug).
 */
export function buildReviewItem(input: BuildReviewItemInput): ReviewItem {
  const { result, project } = input;
  if (result.status !== 'accepted' || !result.totals || !result.period || !result.gwp || !result.issuable || !result.gases) {
    throw new Error(`buildReviewItem needs an accepted result (got ${result.status}).`);
  }
  const days = periodDays(result.period);
  const er = new Dec(result.totals.ER);
  const proRated = new Dec(project.pddAnnualEstimate).times(days).dividedBy(365).toDecimalPlaces(3);
  const issuance = computeIssuance({
    mechanism: project.mechanism,
    period: result.period,
    er: result.issuable?.units ?? result.totals.ER,
    ldc: project.leastDevelopedCountry,
    ccs: input.ccs,
    ...(input.ccs && er.isNegative() ? { netReversal: er.neg().toString() } : {}),
    ...(project.jcmAllocation ? { jcmAllocation: project.jcmAllocation } : {}),
  });
  const m = materiality({ scale: project.scale, erPeriod: result.totals.ER, periodDays: days, pddAnnualEstimate: project.pddAnnualEstimate });
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning').length;
  const overrides = Object.entries(result.gwp.values)
    .filter(([, v]) => v.confidence === 'override')
    .map(([gas, v]) => ({ gas, value: v.value, source: v.source, ...(v.replaces ? { replaces: v.replaces } : {}) }));
  return ReviewItemSchema.parse({
    schemaVersion: 1,
    uploadId: input.uploadId,
    projectId: project.id,
    mechanism: project.mechanism,
    file: { key: input.file.key, sha256: result.file.sha256, bytes: result.file.bytes, ...(input.file.versionId ? { versionId: input.file.versionId } : {}) },
    methodology: { id: result.methodology.id, version: result.methodology.version, hash: result.methodology.hash },
    period: result.period,
    totals: result.totals,
    gases: result.gases,
    gwp: {
      set: result.gwp.set,
      reason: result.gwp.reason,
      values: Object.fromEntries(Object.entries(result.gwp.values).map(([g, v]) => [g, { value: v.value, set: v.set, rule: v.rule }])),
      ...(overrides.length ? { overrides } : {}),
    },
    issuable: result.issuable,
    issuance,
    pddComparison: {
      annualEstimate: project.pddAnnualEstimate,
      periodDays: days,
      proRatedEstimate: proRated.toString(),
      difference: er.minus(proRated).toString(),
      ...(proRated.greaterThan(0) ? { percentOfEstimate: er.dividedBy(proRated).times(100).toDecimalPlaces(2).toString() } : {}),
    },
    materiality: { percent: m.percent, tonnes: m.tonnes, bracket: m.bracket, annualEr: m.annualEr, annualBasis: m.annualBasis, source: m.source },
    rows: result.rows,
    warnings,
    resultKey: input.resultKey,
    reportKey: input.reportKey,
    createdAt: input.createdAt,
  });
}
