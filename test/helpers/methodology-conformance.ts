/**
 * The conformance suite every methodology module runs from its own `methodology.test.ts`
 * (the cdk-nag `TestPack` idea: one harness, every plug-in):
 *
 * - the folder is `<id>/<version>` and the README has the required sections, names every symbol and
 *   embeds the equations block that `mrv methodology doc --write` renders, up to date;
 * - every parameter, column, project field, equation and emission term is documented (unit, source,
 *   range, reference);
 * - `fixtures/valid.csv` gives no diagnostics and exactly `fixtures/expected.json` (totals, per gas,
 *   issuable units), in CSV and in JSON;
 * - every row annotated in `fixtures/invalid.expected.json` yields its code at its row and column in
 *   `fixtures/invalid.csv`, and no other row is rejected;
 * - property tests (fast-check, seeded): shuffling rows leaves every total unchanged; corrupting k
 *   rows rejects exactly k rows; arbitrary cell text never makes the calculation throw.
 *
 * The checks are the pure functions of core/kit/conformance.ts, which `mrv methodology check`
 * runs too; this file turns each into an `it(…)` and adds the property tests.
 *
 * Fixtures are located relative to the module folder URL (`new URL('./', import.meta.url)`), never the
 * working directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Decimal from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CalculationResult } from '#core/calculation/result';
import {
  checkDeterministic,
  checkDocumentation,
  checkFilesPresent,
  checkFolder,
  checkInvalidFixture,
  checkParameters,
  checkAbsence,
  checkProjectFixture,
  checkUserText,
  checkReadmeEquations,
  checkReadmeSections,
  checkReadmeSymbols,
  checkValidFixture,
  checkValidFixtureAsJson,
  compareResult,
  describeDiagnostics,
  errorsOf,
  parseFixtures,
  runFixture,
  splitCsv,
  type CheckResult,
  type ExpectedDiagnostic,
  type ExpectedResult,
  type ModuleFiles,
} from '#core/kit/conformance';
import type { Methodology } from '#core/methodology/define-methodology';
import type { Period } from '#core/mechanisms/mechanisms';
import { ProjectSchema, type Project, type ProjectInput } from '#core/project/project';
import type { MonitoringFormat } from '#core/readers/types';

// The checks themselves live in core/kit/conformance.ts (pure), shared with `mrv methodology check`.
export { bytesOf, splitCsv, README_SECTIONS } from '#core/kit/conformance';
export type { ExpectedDiagnostic, ExpectedGas, ExpectedResult } from '#core/kit/conformance';

/** Seed and run count of every property test: reproducible in CI, varied enough to find edge cases. */
export const PROPERTY_RUNS = { seed: 20_130_101, numRuns: 50 } as const;

/** A project registration for tests: the fixture registration with some fields replaced. */
export function projectWith(base: ProjectInput, changes: Partial<ProjectInput> & { parameters?: Record<string, unknown> }): Project {
  return ProjectSchema.parse({ ...base, ...changes, parameters: { ...base.parameters, ...(changes.parameters ?? {}) } });
}

/** Runs the engine on an in-memory monitoring file for one methodology. */
export function run(
  methodology: Methodology,
  project: Project,
  text: string,
  options: { format?: MonitoringFormat; period?: Period; fileName?: string } = {},
): Promise<CalculationResult> {
  return runFixture(methodology, project, text, options);
}

/** Exact decimal comparison with a readable failure. */
export function expectDecimal(actual: string | undefined, expected: string, what: string): void {
  expect(actual, what).toBeDefined();
  expect(new Decimal(actual!).equals(new Decimal(expected)), `${what}: expected ${expected}, got ${actual}`).toBe(true);
}

/** Asserts a result against an expected.json-shaped object: status, totals, every gas, issuable units. */
export function expectResult(result: CalculationResult, expected: ExpectedResult): void {
  expect(compareResult(result, expected), describeDiagnostics(result)).toEqual([]);
}

/** Asserts that a shared conformance check ran and found nothing. */
function expectPass(check: CheckResult): void {
  expect(check.skipped, `${check.title}: skipped`).toBeUndefined();
  expect(check.problems, check.title).toEqual([]);
}

interface Fixtures {
  readonly folder: string;
  readonly readme: string;
  readonly project: Project;
  readonly projectInput: ProjectInput;
  readonly valid: string;
  readonly invalid: string;
  readonly invalidExpected: readonly ExpectedDiagnostic[];
  readonly expected: ExpectedResult;
  /** The raw text of every file, as the shared checks take it. */
  readonly files: ModuleFiles;
}

/** Reads a module's README and fixtures, relative to the module folder URL. */
export function loadFixtures(folderUrl: URL): Fixtures {
  const read = (path: string) => readFileSync(new URL(path, folderUrl), 'utf8');
  const projectInput = JSON.parse(read('fixtures/project.json')) as ProjectInput;
  const testUrl = new URL('methodology.test.ts', folderUrl);
  const files: ModuleFiles = {
    folderPath: fileURLToPath(folderUrl),
    readme: read('README.md'),
    ...(existsSync(testUrl) ? { test: readFileSync(testUrl, 'utf8') } : {}),
    fixtures: {
      valid: read('fixtures/valid.csv'),
      invalid: read('fixtures/invalid.csv'),
      invalidExpected: read('fixtures/invalid.expected.json'),
      expected: read('fixtures/expected.json'),
      project: read('fixtures/project.json'),
    },
  };
  return {
    folder: files.folderPath,
    readme: files.readme!,
    projectInput,
    project: ProjectSchema.parse(projectInput),
    valid: files.fixtures.valid!,
    invalid: files.fixtures.invalid!,
    invalidExpected: JSON.parse(files.fixtures.invalidExpected!) as ExpectedDiagnostic[],
    expected: JSON.parse(files.fixtures.expected!) as ExpectedResult,
    files,
  };
}

const joinCsv = (header: string, lines: readonly string[]) => `${header}\n${lines.join('\n')}\n`;
const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Cell texts that no number column accepts, whatever its range. */
const BAD_NUMBERS = ['n/a', 'abc', 'NaN', '--', '1e999', '"1,5"', '"12,345.6"', ''] as const;
/** Cell texts that no timestamp column accepts. */
const BAD_TIMESTAMPS = ['yesterday', '2015-13-01', '2015-06-31 12:00', '', 'n/a'] as const;

/**
 * Registers the conformance suite for one methodology module.
 *
 * @param folderUrl the module's folder: `new URL('./', import.meta.url)` in its `methodology.test.ts`.
 */
export function describeConformance(methodology: Methodology, folderUrl: URL): void {
  const fx = loadFixtures(folderUrl);
  const parsed = parseFixtures(fx.files.fixtures);

  describe(`${methodology.key} conformance`, () => {
    describe('definition and documentation', () => {
      it('lives in the folder <id>/<version>', () => expectPass(checkFolder(methodology, fx.folder)));
      it('has methodology.test.ts and every fixture file', () => expectPass(checkFilesPresent(fx.files)));
      it('has a README with every required section', () => expectPass(checkReadmeSections(fx.readme)));
      it('names every column, project field, parameter and equation symbol in its README', () => expectPass(checkReadmeSymbols(methodology, fx.readme)));
      it('embeds the generated equations block in its README, up to date (mrv methodology doc --write)', () =>
        expectPass(checkReadmeEquations(methodology, fx.readme)));
      it('gives every fixed parameter a unit, a source, a description and a range that holds its value', () => expectPass(checkParameters(methodology)));
      it('gives every column a unit and a description, every project field a description, every equation a unit and a reference', () =>
        expectPass(checkDocumentation(methodology)));
      it('declares for every optional column what its absence means (absent: { source, value } for project-side and leakage quantities)', () =>
        expectPass(checkAbsence(methodology)));
      it('shows users public sources only, no internal notes', () => expectPass(checkUserText(methodology, fx.readme)));
      it('accepts the fixture project registration', () => expectPass(checkProjectFixture(methodology, parsed)));
    });

    describe('fixtures', () => {
      it('calculates fixtures/valid.csv to exactly fixtures/expected.json, with no diagnostics', async () =>
        expectPass(await checkValidFixture(methodology, fx.files, parsed)));
      it('gives the same totals for the same rows uploaded as JSON', async () => expectPass(await checkValidFixtureAsJson(methodology, fx.files, parsed)));
      it('is deterministic: the same file gives the same result twice', async () => expectPass(await checkDeterministic(methodology, fx.files, parsed)));
      it('reports every annotated row of fixtures/invalid.csv with its code, and rejects no other row', async () =>
        expectPass(await checkInvalidFixture(methodology, fx.files, parsed)));
    });

    describe('properties', () => {
      const { header, lines } = splitCsv(fx.valid);
      const names = header.split(',');
      const required = methodology.columns.filter((c) => !c.meta.optional && (c.meta.kind === 'number' || c.meta.kind === 'timestamp'));

      it('valid.csv is a plain CSV (no quoted fields), so rows can be shuffled and corrupted by line', () => {
        expect(fx.valid.includes('"')).toBe(false);
        expect(required.length).toBeGreaterThan(0);
      });

      it('gives the same totals whatever the order of the rows', async () => {
        await fc.assert(
          fc.asyncProperty(fc.shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length }), async (shuffled) => {
            const result = await run(methodology, fx.project, joinCsv(header, shuffled));
            expectResult(result, fx.expected);
          }),
          PROPERTY_RUNS,
        );
      });

      it('rejects exactly as many rows as were corrupted, and reports each of them', async () => {
        const corruption = fc.record({
          rows: fc.uniqueArray(fc.integer({ min: 0, max: lines.length - 1 }), { minLength: 1, maxLength: Math.min(12, lines.length) }),
          column: fc.integer({ min: 0, max: required.length - 1 }),
          pick: fc.nat(),
        });
        await fc.assert(
          fc.asyncProperty(corruption, async ({ rows, column, pick }) => {
            const target = required[column]!;
            const at = names.indexOf(target.name);
            const bad = target.meta.kind === 'timestamp' ? BAD_TIMESTAMPS : BAD_NUMBERS;
            const corrupted = lines.map((line, i) => {
              if (!rows.includes(i)) return line;
              const cells = line.split(',');
              cells[at] = bad[(pick + i) % bad.length]!;
              return cells.join(',');
            });
            const result = await run(methodology, fx.project, joinCsv(header, corrupted));
            expect(result.status).toBe('rejected');
            expect(result.rows.rejected, describeDiagnostics(result)).toBe(rows.length);
            expect(result.rows.total).toBe(lines.length);
            for (const i of rows)
              expect(
                result.diagnostics.some((d) => d.location?.row === i + 1 && d.location.column === target.name),
                `row ${i + 1}`,
              ).toBe(true);
          }),
          PROPERTY_RUNS,
        );
      });

      it('never throws on arbitrary cell text', async () => {
        const mutation = fc.record({
          row: fc.integer({ min: 0, max: lines.length - 1 }),
          column: fc.integer({ min: 0, max: names.length - 1 }),
          text: fc.string({ unit: 'binary', maxLength: 40 }),
        });
        await fc.assert(
          fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 5 }), async (mutations) => {
            const cells = lines.map((l) => l.split(','));
            const raw = cells.map((c) => [...c]);
            for (const m of mutations) {
              cells[m.row]![m.column] = quote(m.text);
              raw[m.row]![m.column] = m.text;
            }
            const result = await run(
              methodology,
              fx.project,
              joinCsv(
                header,
                cells.map((c) => c.join(',')),
              ),
            );
            expect(['accepted', 'rejected']).toContain(result.status);
            // A row whose cells are all blank is skipped by the reader (it is not a record); a NUL
            // byte makes the reader refuse the whole file as binary (a file.* diagnostic, no rows).
            const blank = raw.filter((r) => r.every((c) => c.trim() === '')).length;
            if (result.diagnostics.some((d) => d.code.startsWith('file.'))) expect(result.status).toBe('rejected');
            else expect(result.rows.total).toBe(lines.length - blank);
            if (result.status === 'accepted') expect(result.totals).toBeDefined();
            else expect(errorsOf(result).length).toBeGreaterThan(0);
          }),
          PROPERTY_RUNS,
        );
      });
    });
  });
}
