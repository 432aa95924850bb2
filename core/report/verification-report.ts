import type { Chart } from '../charts/charts.ts';
import type { CalculationResult } from '../calculation/result.ts';
import type { LedgerEntry } from '../ledger/entry.ts';
import { canonicalJson, sha256Hex } from '../hashing/canonical.ts';
import type { Methodology } from '../methodology/types.ts';
import { toTex } from '../expressions/tex.ts';
import type { Actor, FirstApproval } from '../access/authorize.ts';
import type { Period } from '../mechanisms/mechanisms.ts';
import { isLegacyPeriod } from '../time/period.ts';
import { describeStretch } from './monitoring-report.ts';
import type { ReviewItem } from '../review/schemas.ts';
import type { Submission } from '../review/submission.ts';

/**
 * The verification report of one decided review subject: everything a verifier signs, in one
 * structure that the HTML and PDF renderers (verification-report-html.ts, -pdf.ts) lay out.
 *
 * The subject is a monitoring report (`subject.kind = 'monitoring-report'`: its uploads are the
 * `files`, each with its period and own ER) or, for a single file verified on its own, one upload.
 */
export interface VerificationReport {
  readonly schemaVersion: 1;
  readonly subject: { readonly kind: 'upload' | 'monitoring-report'; readonly id: string };
  readonly project: {
    readonly id: string;
    readonly name?: string;
    readonly mechanism: string;
    readonly hostCountry?: string;
    readonly scale?: string;
    /** The registration the result was calculated under: when it was registered and its SHA-256 (canonical JSON). */
    readonly registration?: {
      readonly registeredAt?: string;
      readonly sha256: string;
      readonly schemaVersion?: number;
      readonly version?: number;
      readonly versionHash?: string;
    };
    /** The site's IANA time zone: periods and charts are on its clock. */
    readonly timeZone?: string;
  };
  readonly methodology: {
    readonly key: string;
    readonly hash: string;
    readonly title?: string;
    readonly source?: string;
    /** A newer version of the module corrects this one (methodologies/superseded.ts): the verifier is told what. */
    readonly supersededBy?: { readonly by: string; readonly reason: string };
  };
  readonly period: Period;
  /** The period for people, on the site's clock (local days when whole days). */
  readonly periodText?: string;
  readonly periodDays: number;
  /** The data checked: every file with its SHA-256. */
  readonly files: readonly {
    readonly key: string;
    readonly sha256: string;
    readonly bytes: number;
    readonly versionId?: string;
    readonly rows?: { readonly total: number; readonly accepted: number; readonly rejected: number };
    /** In a monitoring report: the upload, its period on the site's clock and its own ER (the report's ER is the exact merge, not this sum). */
    readonly uploadId?: string;
    readonly periodText?: string;
    readonly er?: string;
  }[];
  readonly gwp: { readonly set: string; readonly reason: string };
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly totals: ReviewItem['totals'];
  readonly gases: ReviewItem['gases'];
  readonly issuable: ReviewItem['issuable'];
  readonly issuance: ReviewItem['issuance'];
  readonly materiality: ReviewItem['materiality'];
  readonly pddComparison: ReviewItem['pddComparison'];
  readonly qaqc: {
    readonly interval?: string;
    readonly calibration: NonNullable<CalculationResult['qaqc']>['calibration'];
    readonly gaps: NonNullable<CalculationResult['qaqc']>['gaps'];
    readonly missingIntervals: number;
    /** Every warning and info diagnostic listed in the result (the result caps its list; see `findingsOmitted`). */
    readonly findings: readonly { readonly severity: string; readonly code: string; readonly message: string; readonly where?: string }[];
    /** Diagnostics the result counted but did not list. */
    readonly findingsOmitted: number;
    readonly counts: Readonly<Record<string, number>>;
  };
  /** The equations as they run: LaTeX rendered from the parse trees, the plain expression, and the period value. */
  readonly equations: readonly {
    readonly symbol: string;
    readonly tex: string;
    readonly expr: string;
    readonly unit: string;
    readonly scope: string;
    readonly ref: string;
    readonly value?: string;
  }[];
  readonly charts: readonly Chart[];
  /** Absent only in a preview of evidence still waiting for its decision (the console's evidence view). */
  readonly decision?: {
    readonly decision: 'approve' | 'reject';
    readonly verifier: string;
    readonly decidedAt: string;
    readonly reason?: string;
    /** What the pipeline made of it: approved (recorded), rejected, refused (not recordable), or still being recorded. */
    readonly outcome: 'approved' | 'rejected' | 'refused' | 'recording';
    readonly outcomeReason?: string;
    /** The authenticated principal (register key) of the deciding verifier. */
    readonly principal?: string;
    /** Independent review: the first approval this decision completed. */
    readonly firstApproval?: { readonly verifier: string; readonly decidedAt: string };
  };
  /** A first approval above the independent-review threshold, waiting for a second verifier (preview only). */
  readonly pendingTechnicalReview?: { readonly verifier: string; readonly decidedAt: string };
  /** The ledger entry that records the issuance, and what its hash pins. */
  readonly ledger?: {
    readonly seq: number;
    readonly hash: string;
    readonly prevHash?: string;
    readonly pins?: {
      readonly uploadId: string;
      readonly fileSha256: string;
      readonly methodologyHash: string;
      readonly er: string;
      readonly units: string;
      readonly toParticipants: string;
      readonly resultSha256?: string;
      readonly registration?: { readonly version: number; readonly hash: string };
    };
  };
  readonly generatedAt: string;
}

export class NotDecidedError extends Error {
  override name = 'NotDecidedError';
}

export interface SubmissionReportSource {
  readonly submission: Submission;
  /** The full calculation result (results/…); adds parameters, QA/QC and the trace values. */
  readonly result?: CalculationResult;
  /** The project registration as stored (with `registeredAt`). */
  readonly registration?: Readonly<Record<string, unknown>>;
  /** The methodology as registered: the equations are rendered from its parse trees. */
  readonly methodology?: Methodology;
  /** The newer version that corrects the module, and what it corrects (the registry's supersession). */
  readonly supersededBy?: { readonly by: string; readonly reason: string };
  /** The ledger entry of an approved submission. */
  readonly ledgerEntry?: LedgerEntry;
  readonly charts: readonly Chart[];
  readonly generatedAt: string;
  /** A monitoring report: its uploads (the files checked), in period order. */
  readonly files?: VerificationReport['files'];
  /** A first approval waiting for its technical review (the evidence preview shows it). */
  readonly pendingFirstApproval?: FirstApproval;
}

const periodTextOf = (p: Period): string =>
  isLegacyPeriod(p) ? `${p.start} – ${p.end} (UTC days, first and last included)` : describeStretch(p.start, p.end, p.timeZone ?? 'UTC');

const actorText = (a: Actor) => `${a.name}${a.body ? ` (${a.body}${a.accreditationRef ? `, ${a.accreditationRef}` : ''})` : ''}`;

/** The authenticated verifier (person, body, accreditation) when the decision function recorded one; else the name sent, marked as such. */
function verifierOf(d: NonNullable<Submission['decision']>): string {
  if (d.actor) return actorText(d.actor);
  return d.verifier ? `${d.verifier} (name as sent; no authenticated verifier recorded)` : '(not recorded)';
}

const where = (l: { file: string; row?: number; column?: string } | undefined) =>
  l ? [l.row !== undefined ? `row ${l.row}` : undefined, l.column].filter(Boolean).join(', ') || undefined : undefined;

/** The equations of a methodology with their period values from a trace. */
export function equationsOf(methodology: Methodology, trace: CalculationResult['trace'] = []): VerificationReport['equations'] {
  const values = new Map(trace.map((t) => [t.symbol, t.value]));
  return [...methodology.rowEquations, ...methodology.periodEquations].map((e) => {
    const value = values.get(e.symbol);
    return {
      symbol: e.symbol,
      tex: toTex(e.parsed).trim(),
      expr: e.expr,
      unit: e.unit,
      scope: e.scope,
      ref: e.ref,
      ...(value !== undefined ? { value: String(value) } : {}),
    };
  });
}

/** The project block: who, where, and the registration the result was calculated under (its hash and version). */
function projectOf(src: SubmissionReportSource, item: ReviewItem): VerificationReport['project'] {
  const { submission: s, result } = src;
  const reg = src.registration;
  const { registeredAt, pk: _pk, ...registration } = (reg ?? {}) as Record<string, unknown>;
  return {
    id: item.projectId,
    ...(typeof reg?.name === 'string' ? { name: reg.name } : {}),
    mechanism: item.mechanism,
    ...(result ? { hostCountry: result.project.hostCountry, scale: result.project.scale } : {}),
    ...(reg || s.registration
      ? {
          registration: {
            ...(typeof registeredAt === 'string' ? { registeredAt } : {}),
            sha256: sha256Hex(canonicalJson(registration)),
            ...(typeof reg?.schemaVersion === 'number' ? { schemaVersion: reg.schemaVersion } : {}),
            ...(s.registration ? { version: s.registration.version, versionHash: s.registration.hash } : {}),
          },
        }
      : {}),
    ...(item.period.timeZone ? { timeZone: item.period.timeZone } : typeof reg?.timeZone === 'string' ? { timeZone: reg.timeZone } : {}),
  };
}

/** The monitoring interval as words: `15-minute`, `monthly`, `3-month`; none when the result states none. */
function intervalOf(qaqc: CalculationResult['qaqc'] | undefined): { interval?: string } {
  if (qaqc?.intervalMinutes) return { interval: `${qaqc.intervalMinutes}-minute` };
  if (qaqc?.intervalMonths) return { interval: qaqc.intervalMonths === 1 ? 'monthly' : `${qaqc.intervalMonths}-month` };
  return {};
}

/** The QA/QC block: interval, calibration, gaps and the findings (diagnostics below error). */
function qaqcOf(result: CalculationResult | undefined): VerificationReport['qaqc'] {
  const listed = (result?.diagnostics ?? []).filter((d) => d.severity !== 'error');
  return {
    ...intervalOf(result?.qaqc),
    calibration: result?.qaqc?.calibration ?? [],
    gaps: result?.qaqc?.gaps ?? [],
    missingIntervals: result?.qaqc?.missingIntervals ?? 0,
    findings: listed.map((d) => ({ severity: d.severity, code: d.code, message: d.message, ...(where(d.location) ? { where: where(d.location)! } : {}) })),
    findingsOmitted: result?.diagnosticsOmitted ?? 0,
    counts: result?.diagnosticCounts ?? {},
  };
}

/** The decision block (absent before a decision): who decided what, when, why, and what became of it. */
function decisionOf(s: Submission): Pick<VerificationReport, 'decision'> {
  const d = s.decision;
  if (!d) return {};
  const outcome = s.status === 'approved' || s.status === 'rejected' || s.status === 'refused' ? s.status : 'recording';
  return {
    decision: {
      decision: d.decision,
      verifier: verifierOf(d),
      decidedAt: d.decidedAt,
      ...(d.reason ? { reason: d.reason } : {}),
      outcome,
      ...(s.statusReason ? { outcomeReason: s.statusReason } : {}),
      ...(d.actor ? { principal: d.actor.principal } : {}),
      ...(d.firstApproval ? { firstApproval: { verifier: actorText(d.firstApproval.actor), decidedAt: d.firstApproval.decidedAt } } : {}),
    },
  };
}

/** The ledger block: the full entry with the values it pins, or only its place in the chain. */
function ledgerOf(s: Submission, entry: LedgerEntry | undefined): Pick<VerificationReport, 'ledger'> {
  if (entry) {
    return {
      ledger: {
        seq: entry.seq,
        hash: entry.hash,
        prevHash: entry.prevHash,
        pins: {
          uploadId: entry.uploadId,
          fileSha256: entry.file.sha256,
          methodologyHash: entry.methodology.hash,
          er: entry.er,
          units: entry.issuance.units,
          toParticipants: entry.issuance.toParticipants,
          ...(entry.result ? { resultSha256: entry.result.sha256 } : {}),
          ...(entry.registration ? { registration: entry.registration } : {}),
        },
      },
    };
  }
  return s.ledger ? { ledger: { seq: s.ledger.seq, hash: s.ledger.hash } } : {};
}

/**
 * Builds the report of a decided submission (one upload). Throws {@link NotDecidedError} for one that
 * has no decision yet (a verification report states a decision) unless `preview` is set: the console
 * shows the same evidence for a submission still waiting for its decision.
 */
export function verificationReportFromSubmission(src: SubmissionReportSource, options: { preview?: boolean } = {}): VerificationReport {
  const { submission: s, result } = src;
  const item = s.reviewItem;
  if (!item) throw new NotDecidedError(`submission ${s.uploadId} never reached review (status ${s.status}): there is nothing to verify`);
  if (!s.decision && !options.preview)
    throw new NotDecidedError(`submission ${s.uploadId} has no decision yet (status ${s.status}): a verification report states a decision`);
  return {
    schemaVersion: 1,
    subject: { kind: s.kind === 'monitoring-report' ? 'monitoring-report' : 'upload', id: s.uploadId },
    project: projectOf(src, item),
    methodology: {
      key: `${item.methodology.id}@${item.methodology.version}`,
      hash: item.methodology.hash,
      ...(result ? { title: result.methodology.title, source: result.methodology.source } : {}),
      ...(src.supersededBy ? { supersededBy: src.supersededBy } : {}),
    },
    period: item.period,
    periodText: periodTextOf(item.period),
    periodDays: item.pddComparison.periodDays,
    files: src.files ?? [
      {
        key: item.file.key,
        sha256: item.file.sha256,
        bytes: item.file.bytes,
        ...(item.file.versionId ? { versionId: item.file.versionId } : {}),
        rows: item.rows,
      },
    ],
    gwp: item.gwp,
    parameters: result?.parameters ?? {},
    totals: item.totals,
    gases: item.gases,
    issuable: item.issuable,
    issuance: item.issuance,
    materiality: item.materiality,
    pddComparison: item.pddComparison,
    qaqc: qaqcOf(result),
    equations: src.methodology
      ? equationsOf(src.methodology, result?.trace)
      : (result?.trace ?? []).map((t) => ({ symbol: t.symbol, tex: '', expr: t.expr, unit: t.unit, scope: t.scope, ref: t.ref, value: String(t.value) })),
    charts: src.charts,
    ...decisionOf(s),
    ...(!s.decision && src.pendingFirstApproval
      ? { pendingTechnicalReview: { verifier: actorText(src.pendingFirstApproval.actor), decidedAt: src.pendingFirstApproval.decidedAt } }
      : {}),
    ...ledgerOf(s, src.ledgerEntry),
    generatedAt: src.generatedAt,
  };
}
