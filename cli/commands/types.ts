/** Where a command writes, so tests can capture output and the CLI can decide on colours and progress. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** True when stderr is a terminal (progress bars only then). */
  readonly errIsTTY: boolean;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * One `mrv` command. `run` returns the exit code: 0 success/accepted, 1 data rejected,
 * 2 usage or configuration error. It throws only for faults; `UsageError`/`MrvError` with
 * `expose` are printed without a stack trace by cli/main.ts.
 */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly run: (args: readonly string[], io: Io) => Promise<number>;
}

/** Wrong arguments: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
