/**
 * User-visible text is for users (issue 10 item 5): no internal note ("domain.md §…", "from memory",
 * the [M] / [U] / [C] / [unsure] shorthand) in what a module shows (parameter sources, equation and
 * applicability references, column and project-field descriptions, check messages), in its README, in
 * the CLI output of `mrv methodologies`, `mrv methodology doc` and `mrv calc`, nor in a report.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { main } from '../../../../cli/main.ts';
import type { Io } from '../../../../cli/commands/types.ts';
import { materialityBracket } from '#core/review/materiality';
import { internalNotes } from '#core/validation/internal-notes';
import { userVisibleTextOf } from '#core/kit/conformance';
import { registry } from '#methodologies';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));

async function mrv(...argv: string[]): Promise<string> {
  const out: string[] = [];
  const io: Io = { out: (t) => void out.push(t), err: (t) => void out.push(t), errIsTTY: false, cwd: repo, env: {} };
  await main(argv, io);
  return out.join('\n');
}

const notesIn = (texts: readonly { where: string; text: string }[]) => texts.flatMap(({ where, text }) => internalNotes(text).map((n) => `${where}: ${n}`));

describe('the internal-note scanner', () => {
  it('finds each marker and passes plain public citations', () => {
    expect(internalNotes('TOOL06 v3.0 (domain.md §5d)')).toHaveLength(1);
    expect(internalNotes('AMS-III.D [M: from memory]')).toHaveLength(2);
    expect(internalNotes('default 0.94 [U] or [C: IPCC]')).toHaveLength(2);
    expect(internalNotes('COP above 6.0 [unsure which COP]')).toHaveLength(1);
    expect(internalNotes('IPCC 2006 GL Vol. 2 Ch. 1 Table 1.2 [1]; ACM0002 v22.0 §5.4 (unverified: taken from AMS-III.D v21)')).toEqual([]);
  });
});

describe('no internal notes reach users', () => {
  for (const m of registry.list) {
    it(`${m.key}: definition, README and the generated equations`, async () => {
      const readme = readFileSync(new URL(`methodologies/${m.id}/${m.version}/README.md`, `file://${repo}`), 'utf8');
      const doc = await mrv('methodology', 'doc', m.key);
      expect(notesIn([...userVisibleTextOf(m), { where: 'README.md', text: readme }, { where: 'mrv methodology doc', text: doc }])).toEqual([]);
    });

    it(`${m.key}: mrv calc on its valid fixture (text and JSON report)`, async () => {
      const dir = `methodologies/${m.id}/${m.version}/fixtures`;
      const text = await mrv('calc', '--project', `${dir}/project.json`, `${dir}/valid.csv`);
      const json = await mrv('calc', '--json', '--project', `${dir}/project.json`, `${dir}/valid.csv`);
      expect(text.length).toBeGreaterThan(0);
      expect(
        notesIn([
          { where: 'mrv calc', text },
          { where: 'mrv calc --json', text: json },
        ]),
      ).toEqual([]);
    });
  }

  it('mrv methodologies (text and JSON)', async () => {
    expect(
      notesIn([
        { where: 'mrv methodologies', text: await mrv('methodologies') },
        { where: 'mrv methodologies --json', text: await mrv('methodologies', '--json') },
      ]),
    ).toEqual([]);
  });

  it('the materiality threshold a review shows cites public sources only', () => {
    for (const scale of ['large', 'small', 'micro'] as const) expect(internalNotes(materialityBracket(scale, '400000').source)).toEqual([]);
  });

  it('the project-field descriptions of every module are user text too', () => {
    for (const m of registry.list)
      for (const [field, s] of Object.entries(m.project.shape)) expect(internalNotes((s as z.ZodType).description ?? ''), `${m.key} ${field}`).toEqual([]);
  });
});
