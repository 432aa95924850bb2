import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './commands/types.ts';

/** node:util parseArgs with our error type: an unknown option is a usage error (exit 2), not a crash. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}
