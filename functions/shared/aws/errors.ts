import { PortError } from '../../../core/errors.ts';

const name = (e: unknown) => (e as { name?: string } | undefined)?.name;

export const isConditionalCheckFailed = (e: unknown) => name(e) === 'ConditionalCheckFailedException';
export const isNotFound = (e: unknown) => ['NotFound', 'NoSuchKey', 'NoSuchVersion'].includes(name(e) ?? '') || (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 404;

/** Runs an SDK call; any failure becomes a retryable {@link PortError} naming the operation. */
export async function port<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new PortError(`${what} failed: ${name(error) ?? 'error'}`, error);
  }
}
