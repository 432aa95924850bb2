import { MrvError } from '../core/errors.ts';
import { recordFastPath } from '../core/calculation/calculate.ts';
import { csvFastPath } from '../core/readers/csv.ts';
import { visible } from '../core/readers/visible.ts';
import { COMMANDS, findCommand } from './commands/index.ts';
import { UsageError, type Io } from './commands/types.ts';

/** What `mrv` writes to the terminal: control and invisible characters escaped (ANSI escapes in a column name stay inert text). */
export const terminalText = (t: string) => visible(t.endsWith('\n') ? t : `${t}\n`, { keepNewlines: true });

export function processIo(): Io {
  return {
    out: (t) => process.stdout.write(terminalText(t)),
    err: (t) => process.stderr.write(terminalText(t)),
    errIsTTY: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
    env: process.env,
  };
}

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return ['mrv: measurement, reporting and verification of emission reductions', '', 'Usage: mrv <command> [options]', '', 'Commands:', ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`), '', 'Exit codes: 0 accepted/ok, 1 data rejected, 2 usage or configuration error.', 'Run `mrv <command> --help` for the options of a command.'].join('\n');
}

/**
 * Runs one `mrv` command and returns its exit code. Bad input is never a stack trace: usage and
 * configuration errors print their message (exit 2); only unexpected faults print a stack, and only
 * with MRV_DEBUG=1.
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  // Switches for comparing the fast paths with the general ones (npm run bench; core reads no environment).
  if (io.env.MRV_CSV_FAST === '0') csvFastPath.enabled = false;
  if (io.env.MRV_RECORD_FAST === '0') recordFastPath.enabled = false;
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name ? 0 : 2;
  }
  const command = findCommand(name, rest);
  if (!command) {
    io.err(`mrv: unknown command "${name}".\n\n${help()}`);
    return 2;
  }
  const args = rest.slice(command.consumed);
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`${command.command.summary}\n\nUsage: ${command.command.usage}`);
    return 0;
  }
  try {
    return await command.command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`mrv ${command.command.name}: ${e.message}\nUsage: ${command.command.usage}`);
      return 2;
    }
    if (e instanceof MrvError && e.expose) {
      io.err(`mrv ${command.command.name}: ${e.message}`);
      return 2;
    }
    io.err(`mrv ${command.command.name}: internal error: ${(e as Error).message ?? String(e)}${io.env.MRV_DEBUG ? `\n${(e as Error).stack}` : '\n(set MRV_DEBUG=1 for details)'}`);
    return 3;
  }
}
