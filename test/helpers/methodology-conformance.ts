/**
 * The conformance suite every methodology module runs from its own `methodology.test.ts`
 * (the cdk-nag `TestPack` idea: one harness, every plug-in):
 *
 * - the folder is `<id>/<version>` and the README has the required sections and names every symbol;
 * - every parameter, column, project field, equation and emission term is documented (unit, source,
 *   range, reference);
 * - `fixtures/valid.csv` gives no diagnostics and exactly `fixtures/expected.json` (totals, per gas,
 *   issuable units), in CSV and in JSON;
 * - every row annotated in `fixtures/invalid.expected.json` yields its code at its row and column in
 *   `fixtures/invalid.csv`, and no other row is rejected;
 * - property tests (fast-check, seeded): shuffling rows leaves every total unchanged; corrupting k
 *   rows rejects exactly k rows; arbitrary cell text never makes the calculation throw.
 *
 * Fixtures are located relative to the module folder URL (`new URL('./', import.meta.url)`), never the
 * working directory.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sep } from 'node:path';
import Decimal from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { calculate } from '#core/calculation/calculate';
import type { CalculationResult } from '#core/calculation/result';
import type { Methodology } from '#core/methodology/define-methodology';
import { createRegistry } from '#core/methodology/registry';
import type { Period } from '#core/mechanisms/mechanisms';
import { ProjectSchema, type Project, type ProjectInput } from '#core/project/project';
import type { MonitoringFormat } from '#core/readers/types';

/** Seed and run count of every property test: reproducible in CI, varied enough to find edge cases. */
export const PROPERTY_RUNS = { seed: 20_130_101, numRuns: 50 } as const;

/** README sections every methodology module has (house-style §3.3). */
export const README_SECTIONS = ['Source', 'Applicability', 'Monitoring data', 'Project parameters', 'Fixed parameters', 'Equations', 'Worked example', 'Changelog'] as const;

export interface ExpectedGas {
  readonly gas: string;
  readonly BE: { readonly t: string; readonly tCO2e: string };
  readonly PE: { readonly t: string; readonly tCO2e: string };
  readonly LE: { readonly t: string; readonly tCO2e: string };
  readonly ER: string;
}

/** Shape of `fixtures/expected.json`. Quantities are decimal strings, compared exactly. */
export interface ExpectedResult {
  readonly status: CalculationResult['status'];
  readonly gwpSet?: string;
  readonly period?: Period;
  readonly rows?: CalculationResult['rows'];
  readonly totals: { readonly BE: string; readonly PE: string; readonly LE: string; readonly ER: string };
  readonly gases: readonly ExpectedGas[];
  readonly issuable: { readonly units: string };
}

/** One line of `fixtures/invalid.expected.json`: row 1 = first data row after the header. */
export interface ExpectedDiagnostic {
  readonly row: number;
  readonly column?: string;
  readonly code: string;
  readonly why?: string;
}

/** A byte source for `calculate` from an in-memory text (one chunk). */
export async function* bytesOf(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

/** A project registration for tests: the fixture registration with some fields replaced. */
export function projectWith(base: ProjectInput, changes: Partial<ProjectInput> & { parameters?: Record<string, unknown> }): Project {
  return ProjectSchema.parse({ ...base, ...changes, parameters: { ...base.parameters, ...(changes.parameters ?? {}) } });
}

/** Runs the engine on an in-memory monitoring file for one methodology. */
export function run(methodology: Methodology, project: Project, text: string, options: { format?: MonitoringFormat; period?: Period; fileName?: string } = {}): Promise<CalculationResult> {
  const format = options.format ?? 'csv';
  return calculate({
    source: bytesOf(text),
    fileName: options.fileName ?? `upload.${format}`,
    format,
    project,
    registry: createRegistry([methodology]),
    ...(options.period ? { period: options.period } : {}),
  });
}

const errorsOf = (r: CalculationResult) => r.diagnostics.filter((d) => d.severity === 'error');
const describeDiagnostics = (r: CalculationResult) => r.diagnostics.map((d) => `${d.severity} ${d.code} row=${d.location?.row ?? '-'} col=${d.location?.column ?? '-'}: ${d.message}`).join('\n');

/** Exact decimal comparison with a readable failure. */
export function expectDecimal(actual: string | undefined, expected: string, what: string): void {
  expect(actual, what).toBeDefined();
  expect(new Decimal(actual!).equals(new Decimal(expected)), `${what}: expected ${expected}, got ${actual}`).toBe(true);
}

/** Asserts a result against an expected.json-shaped object: status, totals, every gas, issuable units. */
export function expectResult(result: CalculationResult, expected: ExpectedResult): void {
  expect(result.status, describeDiagnostics(result)).toBe(expected.status);
  if (expected.gwpSet) expect(result.gwp?.set).toBe(expected.gwpSet);
  if (expected.period) expect(result.period).toEqual(expected.period);
  if (expected.rows) expect(result.rows).toEqual(expected.rows);
  for (const k of ['BE', 'PE', 'LE', 'ER'] as const) expectDecimal(result.totals?.[k], expected.totals[k], `total ${k}`);
  const gases = new Map((result.gases ?? []).map((g) => [g.gas, g]));
  expect([...gases.keys()].sort()).toEqual(expected.gases.map((g) => g.gas).sort());
  for (const e of expected.gases) {
    const a = gases.get(e.gas)!;
    for (const k of ['BE', 'PE', 'LE'] as const) {
      expectDecimal(a[k].t, e[k].t, `${e.gas} ${k} t`);
      expectDecimal(a[k].tCO2e, e[k].tCO2e, `${e.gas} ${k} tCO2e`);
    }
    expectDecimal(a.ER, e.ER, `${e.gas} ER`);
  }
  expect(result.issuable?.units).toBe(expected.issuable.units);
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
}

/** Reads a module's README and fixtures, relative to the module folder URL. */
export function loadFixtures(folderUrl: URL): Fixtures {
  const read = (path: string) => readFileSync(new URL(path, folderUrl), 'utf8');
  const projectInput = JSON.parse(read('fixtures/project.json')) as ProjectInput;
  return {
    folder: fileURLToPath(folderUrl),
    readme: read('README.md'),
    projectInput,
    project: ProjectSchema.parse(projectInput),
    valid: read('fixtures/valid.csv'),
    invalid: read('fixtures/invalid.csv'),
    invalidExpected: JSON.parse(read('fixtures/invalid.expected.json')) as ExpectedDiagnostic[],
    expected: JSON.parse(read('fixtures/expected.json')) as ExpectedResult,
  };
}

/** Splits a simple CSV fixture (no quoted fields) into its header line and data lines. */
export function splitCsv(text: string): { header: string; lines: string[] } {
  const [header = '', ...lines] = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  return { header, lines };
}
const joinCsv = (header: string, lines: readonly string[]) => `${header}\n${lines.join('\n')}\n`;
const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Cell texts that no number column accepts, whatever its range. */
const BAD_NUMBERS = ['n/a', 'abc', 'NaN', '--', '1e999', '"1,5"', '"12,345.6"', ''] as const;
/** Cell texts that no timestamp column accepts. */
const BAD_TIMESTAMPS = ['yesterday', '2015-13-01', '2015-06-01 12:00', '', 'n/a'] as const;

/**
 * Registers the conformance suite for one methodology module.
 *
 * @param folderUrl the module's folder: `new URL('./', import.meta.url)` in its `methodology.test.ts`.
 */
export function describeConformance(methodology: Methodology, folderUrl: URL): void {
  const fx = loadFixtures(folderUrl);

  describe(`${methodology.key} conformance`, () => {
    describe('definition and documentation', () => {
      it('lives in the folder <id>/<version>', () => {
        const tail = fx.folder.replace(/[\\/]+$/, '').split(sep).slice(-2).join('/');
        expect(tail).toBe(`${methodology.id}/${methodology.version}`);
      });

      it('has a README with every required section', () => {
        const headings = fx.readme.split('\n').filter((l) => /^#{2,3}\s/.test(l)).map((l) => l.replace(/^#+\s*(\d+\.\s*)?/, '').trim().toLowerCase());
        const missing = README_SECTIONS.filter((s) => !headings.some((h) => h.startsWith(s.toLowerCase())));
        expect(missing).toEqual([]);
      });

      it('names every column, project field, parameter and equation symbol in its README', () => {
        const symbols = [...methodology.columns.map((c) => c.name), ...Object.keys(methodology.project.shape), ...Object.keys(methodology.parameters), ...methodology.equations.map((e) => e.symbol)];
        expect(symbols.filter((s) => !fx.readme.includes(s))).toEqual([]);
      });

      it('gives every fixed parameter a unit, a source, a description and a range that holds its value', () => {
        for (const [name, p] of Object.entries(methodology.parameters)) {
          expect(p.unit, name).not.toBe('');
          expect(p.source.length, `${name} source`).toBeGreaterThan(10);
          expect(p.description.length, `${name} description`).toBeGreaterThan(5);
          expect(p.range[0] <= p.value && p.value <= p.range[1], `${name} = ${p.value} within [${p.range.join(', ')}]`).toBe(true);
        }
      });

      it('gives every column a unit and a description, every project field a description, every equation a unit and a reference', () => {
        for (const c of methodology.columns) {
          expect(c.meta.unit, c.name).not.toBe('');
          expect(c.meta.description.length, c.name).toBeGreaterThan(5);
        }
        for (const [field, schema] of Object.entries(methodology.project.shape)) expect((schema as z.ZodType).description?.length ?? 0, `project field ${field}`).toBeGreaterThan(5);
        for (const eq of methodology.equations) {
          expect(eq.unit, eq.symbol).not.toBe('');
          expect(eq.ref.length, `${eq.symbol} ref`).toBeGreaterThan(5);
        }
        expect(methodology.emissions.some((t) => t.category === 'BE')).toBe(true);
      });

      it('accepts the fixture project registration', () => {
        expect(fx.project.methodology).toBe(methodology.key);
        expect(methodology.project.safeParse(fx.project.parameters).success).toBe(true);
      });
    });

    describe('fixtures', () => {
      it('calculates fixtures/valid.csv to exactly fixtures/expected.json, with no diagnostics', async () => {
        const result = await run(methodology, fx.project, fx.valid, { fileName: 'valid.csv' });
        expect(result.diagnostics, describeDiagnostics(result)).toEqual([]);
        expectResult(result, fx.expected);
      });

      it('gives the same totals for the same rows uploaded as JSON', async () => {
        const { header, lines } = splitCsv(fx.valid);
        const names = header.split(',');
        const records = lines.map((l) => Object.fromEntries(l.split(',').map((cell, i) => [names[i], /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell])));
        const result = await run(methodology, fx.project, JSON.stringify(records, null, 1), { format: 'json', fileName: 'valid.json' });
        expect(errorsOf(result), describeDiagnostics(result)).toEqual([]);
        expectResult(result, fx.expected);
      });

      it('is deterministic: the same file gives the same result twice', async () => {
        const a = await run(methodology, fx.project, fx.valid);
        const b = await run(methodology, fx.project, fx.valid);
        expect(b).toEqual(a);
      });

      it('reports every annotated row of fixtures/invalid.csv with its code, and rejects no other row', async () => {
        const result = await run(methodology, fx.project, fx.invalid, { fileName: 'invalid.csv' });
        expect(result.status).toBe('rejected');
        expect(result.totals).toBeUndefined();
        for (const e of fx.invalidExpected) {
          const found = result.diagnostics.some((d) => d.location?.row === e.row && d.code === e.code && (e.column === undefined || d.location?.column === e.column));
          expect(found, `row ${e.row} ${e.column ?? ''} ${e.code} (${e.why ?? ''})\n${describeDiagnostics(result)}`).toBe(true);
        }
        const annotated = new Set(fx.invalidExpected.map((e) => e.row));
        const stray = errorsOf(result).filter((d) => d.location?.row !== undefined && !annotated.has(d.location.row));
        expect(stray, describeDiagnostics(result)).toEqual([]);
        expect(result.rows.rejected).toBe(annotated.size);
      });
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
            for (const i of rows) expect(result.diagnostics.some((d) => d.location?.row === i + 1 && d.location.column === target.name), `row ${i + 1}`).toBe(true);
          }),
          PROPERTY_RUNS,
        );
      });

      it('never throws on arbitrary cell text', async () => {
        const mutation = fc.record({ row: fc.integer({ min: 0, max: lines.length - 1 }), column: fc.integer({ min: 0, max: names.length - 1 }), text: fc.string({ unit: 'binary', maxLength: 40 }) });
        await fc.assert(
          fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 5 }), async (mutations) => {
            const cells = lines.map((l) => l.split(','));
            const raw = cells.map((c) => [...c]);
            for (const m of mutations) {
              cells[m.row]![m.column] = quote(m.text);
              raw[m.row]![m.column] = m.text;
            }
            const result = await run(methodology, fx.project, joinCsv(header, cells.map((c) => c.join(','))));
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
