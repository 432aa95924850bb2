/** The pure conformance checks (core/kit/conformance.ts) on the template module and broken variants of its files. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkFilesPresent,
  checkFolder,
  checkModule,
  checkModuleFiles,
  checkReadmeSections,
  checkReadmeSymbols,
  compareResult,
  parseFixtures,
  passed,
  type CheckResult,
  type ModuleFiles,
} from '#core/kit/conformance';
import { DOC_BEGIN, DOC_END, embedEquations, equationsBlockProblems, findEquationsBlock, renderEquationsMarkdown } from '#core/methodology/render-doc';
import template from '../../../../methodologies/_template/1.0.0/methodology.ts';

const folder = new URL('../../../../methodologies/_template/1.0.0/', import.meta.url);
const read = (f: string) => readFileSync(new URL(f, folder), 'utf8');
const files: ModuleFiles = {
  folderPath: fileURLToPath(folder),
  readme: read('README.md'),
  test: read('methodology.test.ts'),
  fixtures: {
    valid: read('fixtures/valid.csv'),
    invalid: read('fixtures/invalid.csv'),
    invalidExpected: read('fixtures/invalid.expected.json'),
    expected: read('fixtures/expected.json'),
    project: read('fixtures/project.json'),
  },
};
const withFixture = (name: keyof ModuleFiles['fixtures'], text: string | undefined): ModuleFiles => ({
  ...files,
  fixtures: { ...files.fixtures, [name]: text },
});
const byId = (checks: CheckResult[], id: string) => checks.find((c) => c.id === id)!;

describe('checkModule on the template', () => {
  it('passes every check', async () => {
    const checks = await checkModule({ methodology: template, ...files });
    expect(checks.filter((c) => !passed(c))).toEqual([]);
    expect(checks.map((c) => c.id)).toEqual([
      'folder',
      'files',
      'readme-sections',
      'readme-symbols',
      'readme-equations',
      'parameters',
      'documentation',
      'absence',
      'user-text',
      'project-fixture',
      'valid-fixture',
      'valid-fixture-json',
      'deterministic',
      'invalid-fixture',
    ]);
  });
});

describe('definition and documentation checks', () => {
  it('folder: accepts <id>/<version> and _<id>/<version>; names a wrong version folder', () => {
    expect(checkFolder(template, '/x/template/1.0.0').problems).toEqual([]);
    expect(checkFolder(template, 'C:\\x\\_template\\1.0.0\\').problems).toEqual([]);
    expect(checkFolder(template, '/x/template/1.0.1').problems.join()).toMatch(/version folder is "1\.0\.1".*"1\.0\.0"/);
    expect(checkFolder(template, '/x/other/1.0.0').problems.join()).toMatch(/named "other".*"template"/);
  });

  it('files: lists each missing file and a test that skips the conformance suite', () => {
    const c = checkFilesPresent({ ...withFixture('expected', undefined), test: 'it("x", () => {})' });
    expect(c.problems).toEqual(['fixtures/expected.json is missing', expect.stringMatching(/does not run the conformance suite/)]);
  });

  it('README: names a missing section and an undocumented symbol', () => {
    const readme = files.readme!.replace('## 8. Changelog', '## 8. History').replaceAll('FC_diesel', 'FC_d');
    expect(checkReadmeSections(readme).problems).toEqual([expect.stringMatching(/no "Changelog" section/)]);
    expect(checkReadmeSymbols(template, readme).problems).toEqual(['the README does not mention the monitoring column FC_diesel']);
  });

  it('project fixture: names the wrong methodology key and a missing parameter', () => {
    const project = JSON.parse(files.fixtures.project!);
    const bad = JSON.stringify({ ...project, methodology: 'template@2.0.0', parameters: {} });
    const c = byId(checkModuleFiles({ methodology: template, ...withFixture('project', bad) }), 'project-fixture');
    expect(c.problems).toEqual([
      expect.stringMatching(/names methodology "template@2\.0\.0", expected "template@1\.0\.0"/),
      expect.stringMatching(/parameters\.EF_grid_CM/),
    ]);
  });

  it('parseFixtures: an unknown diagnostic code in invalid.expected.json is named', () => {
    const parsed = parseFixtures({ ...files.fixtures, invalidExpected: '[{ "row": 2, "code": "row.not_a_numbr" }]' });
    expect(parsed.invalidExpected).toBeUndefined();
    expect(parsed.problems.invalidExpected.join()).toMatch(/"row\.not_a_numbr" is not a diagnostic code/);
  });
});

describe('fixture checks through calculate()', () => {
  it('valid fixture: names a total that differs from expected.json', async () => {
    const expected = read('fixtures/expected.json').replace('"ER": "574.077745" }', '"ER": "574.2" }');
    const checks = await checkModule({ methodology: template, ...withFixture('expected', expected) });
    expect(byId(checks, 'valid-fixture').problems).toEqual(['total ER: expected 574.2, got 574.077745']);
  });

  it('invalid fixture: names a row annotated with the wrong code, and an unannotated rejected row', async () => {
    const annotations = JSON.parse(files.fixtures.invalidExpected!) as { row: number; code: string }[];
    annotations[0]!.code = 'row.missing_value';
    const checks = await checkModule({ methodology: template, ...withFixture('invalidExpected', JSON.stringify(annotations.filter((a) => a.row !== 7))) });
    const problems = byId(checks, 'invalid-fixture').problems;
    expect(problems).toContainEqual(expect.stringMatching(/^row 2 column EG_net: annotated row\.missing_value.*gives row\.not_a_number \(EG_net\)/));
    expect(problems).toContainEqual(expect.stringMatching(/^row 7 is rejected \(row\.above_maximum, FC_diesel\) but is not annotated/));
  });

  it('a missing fixture skips the checks that need it, and the files check names it', async () => {
    const checks = await checkModule({ methodology: template, ...withFixture('valid', undefined) });
    expect(byId(checks, 'files').problems).toEqual(['fixtures/valid.csv is missing']);
    expect(byId(checks, 'valid-fixture').skipped).toBe('fixtures/valid.csv is missing');
  });

  it('compareResult lists every difference', () => {
    const expected = parseFixtures(files.fixtures).expected!;
    const problems = compareResult({ status: 'rejected', rows: { total: 0, accepted: 0, rejected: 0 }, diagnostics: [] } as never, expected);
    expect(problems[0]).toBe('status: expected accepted, got rejected');
    expect(problems).toContain('total BE: expected 575.6, got nothing');
    expect(problems).toContain('issuable units: expected 574, got none');
  });
});

describe('render-doc: the generated equations block', () => {
  it('renders every equation in LaTeX, every emission term and every check, between the markers', () => {
    const text = renderEquationsMarkdown(template);
    expect(text.startsWith(DOC_BEGIN) && text.endsWith(DOC_END)).toBe(true);
    expect(text).toContain('| `PE_FF` | $FC\\_diesel\\cdot NCV\\_diesel\\cdot EF\\_CO2\\_diesel$ | t CO2 | row |');
    expect(text).toContain('| BE | CO2 | `BE_y` |');
    expect(text).toContain('| electricity-supplied | $EG\\_net>0$ | period |');
    expect(text).toContain(template.hash.slice(0, 16));
  });

  it('embeds into short markers, is then fresh, and is idempotent', () => {
    const readme = '# x\n\n## 6. Equations\n\n<!-- mrv:equations:begin -->\n<!-- mrv:equations:end -->\n\nafter\n';
    expect(equationsBlockProblems(readme, template)).toEqual([
      "the README's generated equations block is empty: run mrv methodology doc template@1.0.0 --write",
    ]);
    const once = embedEquations(readme, template);
    expect(once.ok).toBe(true);
    const text = (once as { text: string }).text;
    expect(text.endsWith('\n\nafter\n')).toBe(true);
    expect(equationsBlockProblems(text, template)).toEqual([]);
    expect(embedEquations(text, template)).toEqual({ ok: true, text });
  });

  it('names a hand edit inside the block, a missing block and duplicate blocks', () => {
    const fresh = files.readme!;
    expect(equationsBlockProblems(fresh.replace('| t CO2 | row |', '| kg CO2 | row |'), template)).toEqual([
      expect.stringMatching(/stale \(it was edited by hand\); first difference: README has "\| `PE_FF` .*kg CO2/),
    ]);
    expect(equationsBlockProblems('# no block', template)).toEqual([expect.stringMatching(/no generated equations block/)]);
    const block = findEquationsBlock(fresh);
    expect(block.ok).toBe(true);
    expect(findEquationsBlock(fresh + (block as { text: string }).text)).toEqual({ ok: false, problem: expect.stringMatching(/more than one/) });
  });
});
