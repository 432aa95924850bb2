// The size rule of core/ (eslint.config.js): a function above complexity 25 or 120 lines fails the lint,
// in any core/ file (there is no exemption list); shown on probe files.
import { ESLint } from 'eslint';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: root });
const rulesHit = async (file: string, source: string) => {
  const [result] = await eslint.lintText(source, { filePath: resolve(root, file) });
  return (result?.messages ?? []).map((m) => m.ruleId).filter((r) => r === 'complexity' || r === 'max-lines-per-function');
};

const branchy = `export function f(x: number): number {\n${Array.from({ length: 30 }, (_, i) => `  if (x === ${i}) return ${i};`).join('\n')}\n  return -1;\n}\n`;
const long = `export function g(): number {\n  let n = 0;\n${Array.from({ length: 130 }, (_, i) => `  n += ${i};`).join('\n')}\n  return n;\n}\n`;

describe('the size rule of core/', () => {
  it('refuses a function above complexity 25 and one above 120 lines in a core/ file', async () => {
    expect(await rulesHit('core/calculation/probe.ts', branchy)).toEqual(['complexity']);
    expect(await rulesHit('core/calculation/probe.ts', long)).toEqual(['max-lines-per-function']);
  });
  it('leaves small functions and code outside core/ alone, and exempts no core/ file', async () => {
    expect(await rulesHit('core/calculation/probe.ts', 'export const h = (x: number) => (x > 0 ? x : -x);\n')).toEqual([]);
    expect(await rulesHit('core/report/verification-report.ts', branchy)).toEqual(['complexity']);
    expect(await rulesHit('core/calculation/calculate.ts', long)).toEqual(['max-lines-per-function']);
    expect(await rulesHit('cli/probe.ts', branchy)).toEqual([]);
  });
});
