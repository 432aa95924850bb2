// Micro-benchmark of the expression engine's per-row path (core/expressions/float-slots.ts):
// `npx tsx bench/expressions.ts [evaluations]` prints, for typical row equations and for every row
// equation of the registered modules, the best of 7 runs of N evaluations (default 1,000,000) over
// 1,024 prepared array scopes. Best-of rather than median: on a shared machine the minimum is the
// figure least disturbed by other processes. Compare two commits on the same machine, never across.
import { compileFloatSlots, type SlotScope } from '../core/expressions/float-slots.ts';
import { parseExpression, type ParsedExpression } from '../core/expressions/sandbox.ts';
import { registry } from '../methodologies/index.ts';

const evaluations = Number(process.argv[2] ?? 1_000_000);
const TYPICAL = [
  'FC_i * NCV_i * EF_CO2_i * (1 - OX_i)',
  'max(0, EG_y * EF_grid - PE_y)',
  'T > 500 ? Q * 0.9 : Q * (1 - eta) / 2',
  '(a + b) * c - d / (e + 1) >= 0 and not f',
];

function bestOf(parsed: readonly ParsedExpression[]): number {
  const symbols = [...new Set(parsed.flatMap((p) => p.symbols))];
  const slots = new Map(symbols.map((s, i) => [s, i]));
  const fns = parsed.map((p) => compileFloatSlots(p, slots)).filter((f) => f !== undefined);
  const scopes: SlotScope[] = Array.from({ length: 1024 }, (_, k) => symbols.map((s, i) => (s === 'f' ? k % 2 === 0 : 1 + ((k * 7 + i * 13) % 101) / 10)));
  let sink = 0;
  const run = () => {
    for (let i = 0; i < evaluations; i++) {
      const scope = scopes[i & 1023]!;
      for (const f of fns) {
        const v = f(scope);
        sink += typeof v === 'number' ? v : v ? 1 : 0;
      }
    }
  };
  run(); // warm-up
  let best = Number.POSITIVE_INFINITY;
  for (let rep = 0; rep < 7; rep++) {
    const t0 = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  if (Number.isNaN(sink)) console.log('(NaN results)');
  return best;
}

const parse = (expr: string): ParsedExpression => {
  const r = parseExpression(expr);
  if (!r.ok) throw new Error(`${expr}: ${r.problems.join('; ')}`);
  return r.parsed;
};

console.log(`compileFloatSlots, best of 7 × ${evaluations.toLocaleString('en')} evaluations`);
for (const expr of TYPICAL) console.log(`  ${expr.padEnd(44)} ${bestOf([parse(expr)]).toFixed(1)} ms`);
for (const m of registry.list) {
  if (!m.rowEquations.length) continue;
  const ms = bestOf(m.rowEquations.map((e) => e.parsed));
  console.log(`  ${`${m.key}: all ${m.rowEquations.length} row equations`.padEnd(44)} ${ms.toFixed(1)} ms`);
}
