#!/usr/bin/env node
// The `mrv` command. TypeScript sources run through tsx's loader (no build step).
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `mrv … | head`: the reader closed the pipe. Stop quietly, as Unix tools do, instead of a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error && error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
register();
let main;
try {
  ({ main } = await import('../main.ts'));
} catch (e) {
  // A fault while loading the command itself (not bad input): one line, the stack only on request.
  process.stderr.write(`mrv: internal error while loading: ${e?.message ?? String(e)}\n${process.env.MRV_DEBUG ? `${e?.stack}\n` : '(set MRV_DEBUG=1 for details)\n'}`);
  process.exit(3);
}
process.exitCode = await main(process.argv.slice(2));
