import type { CalculationResult } from '../calculation/result.ts';
import type { IssuanceBreakdown } from '../issuance/issuance.ts';
import type { Diagnostic } from '../validation/diagnostic.ts';

/** Where and when an upload arrived, and the id the pipeline gave it. */
export interface UploadInfo {
  readonly uploadId: string;
  readonly projectId: string;
  /** S3 key (or local path). */
  readonly key: string;
  readonly versionId?: string;
  /** ISO date-time of processing. */
  readonly receivedAt: string;
}

/**
 * A rejection before any calculation: unknown project, unusable registration, methodology metadata
 * that names another version. Shaped like a rejected CalculationResult so one renderer serves both.
 */
export interface PreCheckRejection {
  readonly schemaVersion: 1;
  readonly status: 'rejected';
  readonly stage: 'pre-check';
  readonly file: { readonly name: string; readonly bytes: number; readonly sha256: string };
  readonly project: { readonly id: string };
  readonly rows: { readonly total: 0; readonly accepted: 0; readonly rejected: 0 };
  readonly trace: readonly [];
  readonly diagnostics: readonly Diagnostic[];
  readonly diagnosticsOmitted: 0;
  readonly diagnosticCounts: Readonly<Record<string, number>>;
}

/**
 * The validation report of one upload (`reports/<projectId>/<uploadId>.json`): the full
 * CalculationResult (nothing removed) or the pre-check rejection, plus the upload info and, for an
 * accepted upload, the issuance breakdown the verifier will approve.
 */
export type UploadReport = (CalculationResult | PreCheckRejection) & { readonly upload: UploadInfo; readonly issuance?: IssuanceBreakdown };

export function preCheckRejection(input: { projectId: string; file: PreCheckRejection['file']; diagnostics: readonly Diagnostic[] }): PreCheckRejection {
  const counts: Record<string, number> = {};
  for (const d of input.diagnostics) counts[d.code] = (counts[d.code] ?? 0) + 1;
  return {
    schemaVersion: 1,
    status: 'rejected',
    stage: 'pre-check',
    file: input.file,
    project: { id: input.projectId },
    rows: { total: 0, accepted: 0, rejected: 0 },
    trace: [],
    diagnostics: input.diagnostics,
    diagnosticsOmitted: 0,
    diagnosticCounts: counts,
  };
}

export const isPreCheck = (r: CalculationResult | PreCheckRejection): r is PreCheckRejection => 'stage' in r && r.stage === 'pre-check';
