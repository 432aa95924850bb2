#!/usr/bin/env node
// The `mrv` command. TypeScript sources run through tsx's loader (no build step).
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
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
