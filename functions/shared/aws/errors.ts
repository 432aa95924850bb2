import { PortError } from '../../../core/errors.ts';

const name = (e: unknown) => (e as { name?: string } | undefined)?.name;

export const isConditionalCheckFailed = (e: unknown) => name(e) === 'ConditionalCheckFailedException';
export const isNotFound = (e: unknown) =>
  ['NotFound', 'NoSuchKey', 'NoSuchVersion'].includes(name(e) ?? '') || (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 404;

/** What the SDK tells about a failed call (`$metadata` as the SDK gives it: status, request ids, attempts). */
export interface AwsFailure {
  readonly name: string;
  readonly message: string;
  readonly $metadata?: Readonly<Record<string, unknown>>;
  readonly fault?: string;
}

/** The name, message and `$metadata` of an SDK error (or of any thrown value), never empty. */
export function awsFailureOf(error: unknown): AwsFailure {
  if (error instanceof Error || (error !== null && typeof error === 'object')) {
    const e = error as { name?: unknown; message?: unknown; $metadata?: unknown; $fault?: unknown };
    return {
      name: typeof e.name === 'string' && e.name ? e.name : 'Error',
      message: typeof e.message === 'string' && e.message ? e.message : '(no message)',
      ...(e.$metadata && typeof e.$metadata === 'object' ? { $metadata: { ...(e.$metadata as Record<string, unknown>) } } : {}),
      ...(typeof e.$fault === 'string' ? { fault: e.$fault } : {}),
    };
  }
  return { name: 'Error', message: String(error) };
}

/**
 * A failed AWS call: a retryable {@link PortError} whose message names the operation **and** the SDK's
 * error name, message, HTTP status and request id, and which keeps the SDK error as `cause` and its
 * fields as `aws` (so a log line says why, e.g. `PutItem (projects) failed: ValidationException: One
 * or more parameter values were invalid … (HTTP 400, request abc)`, not `PutItem failed: Error`).
 */
export class AwsCallError extends PortError {
  readonly aws: AwsFailure;
  readonly $metadata: Readonly<Record<string, unknown>> | undefined;
  constructor(what: string, error: unknown) {
    const aws = awsFailureOf(error);
    const status = aws.$metadata?.httpStatusCode;
    const request = aws.$metadata?.requestId;
    const meta = [status !== undefined ? `HTTP ${String(status)}` : '', request ? `request ${String(request)}` : ''].filter(Boolean).join(', ');
    super(`${what} failed: ${aws.name}: ${aws.message}${meta ? ` (${meta})` : ''}`, error);
    this.aws = aws;
    this.$metadata = aws.$metadata;
  }
}

/** Runs an SDK call; any failure becomes a retryable {@link AwsCallError} naming the operation and the cause. */
export async function port<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new AwsCallError(what, error);
  }
}
