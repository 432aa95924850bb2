import { ConfigError } from '../../core/errors.ts';
import type { EnvName } from './resources.ts';

/**
 * Reads the named environment variables once (call it at cold start) and throws one
 * {@link ConfigError} naming every missing or empty variable.
 *
 * @example const env = readEnv([ENV.bucket, ENV.submissionsTable]); env.MONITORING_BUCKET_NAME
 */
export function readEnv<const N extends EnvName>(names: readonly N[], source: Readonly<Record<string, string | undefined>> = process.env): Record<N, string> {
  const missing = names.filter((n) => !source[n]?.trim());
  if (missing.length)
    throw new ConfigError(
      `Missing environment variables (set by the stack, or exported for the CLI):`,
      missing.map((n) => `${n} is not set`),
    );
  return Object.fromEntries(names.map((n) => [n, source[n]!.trim()])) as Record<N, string>;
}
