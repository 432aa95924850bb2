import type { ByteSource } from '../../core/readers/types.ts';
import type { ReviewItem, Decision } from '../../core/review/schemas.ts';
import type { Submission } from '../../core/review/submission.ts';
import type { RegistrationPin, RegistrationVersion } from '../../core/project/versions.ts';

/** Ports the handlers use; functions/shared/aws/* implements them over the SDK, tests fake them. */

export interface ObjectHead {
  readonly bytes: number;
  readonly versionId?: string;
  /** User metadata (`x-amz-meta-*`), keys lower-case. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** A streamed object body that remembers whether the stream itself failed (an I/O fault, not bad data). */
export interface TrackedSource {
  readonly source: ByteSource;
  readonly failure: () => unknown;
}

export interface MonitoringStore {
  /** undefined when the object (version) no longer exists. */
  head(key: string): Promise<ObjectHead | undefined>;
  /** Streams the object (GetObject Body); never buffers it whole. */
  open(key: string, versionId?: string): Promise<TrackedSource>;
  /** The last `length` bytes of an object of `size` bytes (a ranged GET), for the XLSX zip-bomb check. */
  tail?(key: string, versionId: string | undefined, size: number, length: number): Promise<Uint8Array>;
  /** Bytes `[start, end)` of an object, whole (a ranged GET): the head and the windows a split reads. */
  readRange?(key: string, versionId: string | undefined, start: number, end: number): Promise<Uint8Array>;
  /** Streams bytes `[start, end)` of an object (a ranged GET): one range of a large upload. */
  openRange?(key: string, versionId: string | undefined, start: number, end: number): Promise<TrackedSource>;
}

export interface ReportStore {
  putJson(key: string, value: unknown): Promise<void>;
  putText(key: string, text: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  getJson<T = unknown>(key: string): Promise<T | undefined>;
}

export interface ReviewQueue {
  send(item: ReviewItem): Promise<void>;
}

export interface DecisionQueue {
  /** Sends a decision; resolves to the queue's message id (the key of the sender's outcome, resources.ts outcomeKey). */
  send(decision: Decision): Promise<string | undefined>;
}

export interface ProjectsRepository {
  /** The stored (current) registration, unvalidated (the caller validates: a bad item is a registration problem). */
  get(projectId: string): Promise<unknown>;
  /** The current registration with its version and hash (what a submission records). */
  getCurrent?(projectId: string): Promise<{ readonly registration: unknown; readonly pin: RegistrationPin } | undefined>;
  /** One stored version (for `mrv ledger verify`); undefined when it does not exist. */
  getVersion?(projectId: string, version: number): Promise<RegistrationVersion | undefined>;
}

export interface SubmissionsRepository {
  get(uploadId: string): Promise<Submission | undefined>;
  /** Conditional put (`attribute_not_exists(pk)`). false: the upload already has a submission. */
  create(submission: Submission): Promise<boolean>;
  markQueued(uploadId: string, at: string): Promise<void>;
  /** Records the first decision (`attribute_not_exists(decision) AND status = pending-review`). false: lost. */
  claimDecision(uploadId: string, decision: Decision, at: string): Promise<boolean>;
  /** Final status after a decision (`status IN (pending-review, <status>)`). false: the item is in another state. */
  finalise(
    uploadId: string,
    update: { status: 'approved' | 'rejected' | 'refused'; ledger?: { seq: number; hash: string }; statusReason?: string; at: string },
  ): Promise<boolean>;
}
