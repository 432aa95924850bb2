import type { IngestOutcome, PreparedUpload } from '../ingest-upload/ingest.ts';
import type { MergeInput, SplitDeps } from './steps.ts';

let deps: SplitDeps | undefined;

/** Merge step (`step: 'merge'`) and failure step (`step: 'fail'`) of the large-upload state machine. */
export const handler = async (
  event:
    | ({ readonly step: 'merge' } & MergeInput)
    | { readonly step: 'fail'; readonly ctx: PreparedUpload; readonly error?: { Error?: string; Cause?: string } },
): Promise<{ readonly outcome: IngestOutcome }> => {
  deps ??= (await import('./deps.ts')).createMergeDeps();
  const { mergeUpload, failLargeUpload } = await import('./steps.ts');
  return { outcome: event.step === 'merge' ? await mergeUpload(deps, event) : await failLargeUpload(deps, event) };
};
