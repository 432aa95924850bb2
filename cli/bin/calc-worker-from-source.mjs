// The worker thread of `mrv calc --workers N` when mrv runs from the TypeScript sources (no dist/cli, or
// in the tests): registers tsx in the thread, then runs cli/calc-worker.ts.
import { register } from 'tsx/esm/api';

register();
await import('../calc-worker.ts');
