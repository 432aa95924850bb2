/** A bounded wait did not see its condition before the deadline. */
export class PollTimeoutError extends Error {
  override name = 'PollTimeoutError';
}

/**
 * Polls `check` until it returns true (or a value other than false/undefined), waiting `intervalMs`
 * between attempts, and throws {@link PollTimeoutError} at `deadline` (epoch ms). No fixed sleeps
 * anywhere else: every wait in the local stack and the e2e tests is one of these.
 */
export async function pollUntil<T>(check: () => Promise<T | false | undefined>, options: { deadline: number; intervalMs?: number; what: string }): Promise<T> {
  const interval = options.intervalMs ?? 50;
  for (;;) {
    const value = await check();
    if (value !== false && value !== undefined) return value;
    if (Date.now() >= options.deadline) throw new PollTimeoutError(`Timed out waiting for ${options.what}.`);
    await new Promise((r) => setTimeout(r, Math.min(interval, Math.max(0, options.deadline - Date.now()))));
  }
}
