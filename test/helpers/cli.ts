import { main } from '../../cli/main.ts';
import type { Io } from '../../cli/commands/types.ts';

/** Runs `mrv …` in-process with captured output (no subprocess, no terminal). */
export async function mrv(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = {
    out: (t) => void (out += t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => void (err += t.endsWith('\n') ? t : `${t}\n`),
    errIsTTY: false,
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
  };
  const code = await main(args, io);
  return { code, out, err };
}
