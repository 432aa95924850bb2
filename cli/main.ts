import { MrvError } from '../core/errors.ts';
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
  return [
    'mrv: measurement, reporting and verification of emission reductions',
    '',
    'Usage: mrv <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Exit codes: 0 accepted/ok, 1 data rejected, 2 usage or configuration error.',
    'Run `mrv <command> --help` for the options of a command.',
  ].join('\n');
}

/**
 * Runs one `mrv` command and returns its exit code. Bad input is never a stack trace: usage and
 * configuration errors print their message (exit 2); only unexpected faults print a stack, and only
 * with MRV_DEBUG=1.
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name ? 0 : 2;
  }
  const found = findCommand(name, rest);
  if (!found) {
    io.err(`mrv: unknown command "${name}".\n\n${help()}`);
    return 2;
  }
  const args = rest.slice(found.consumed);
  let usage = '';
  try {
    // The command's module (and its libraries) loads only now, for this command alone.
    const command = await found.command.load();
    usage = command.usage;
    if (args.includes('--help') || args.includes('-h')) {
      io.out(`${command.summary}\n\nUsage: ${command.usage}`);
      return 0;
    }
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`mrv ${found.command.name}: ${e.message}\nUsage: ${usage}`);
      return 2;
    }
    if (e instanceof MrvError && e.expose) {
      io.err(`mrv ${found.command.name}: ${e.message}`);
      return 2;
    }
    io.err(
      `mrv ${found.command.name}: internal error: ${(e as Error).message ?? String(e)}${io.env.MRV_DEBUG ? `\n${(e as Error).stack}` : '\n(set MRV_DEBUG=1 for details)'}`,
    );
    return 3;
  }
}
