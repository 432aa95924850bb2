/**
 * The conformance checks of a methodology module, as pure functions of the module and the text of
 * its files (no file system here: the caller reads them). One definition, two users:
 *
 * - the vitest suite `test/helpers/methodology-conformance.ts` (`describeConformance`), which each
 *   module's `methodology.test.ts` runs, turns every check into an `it(…)` that expects no problems;
 * - `mrv methodology check <folder>` (cli/methodology-kit.ts) prints ✓/✗ per check for an author.
 *
 * Each check returns its problems in plain words, naming the column, parameter, equation, fixture
 * row or README section concerned. The checks that need the engine (fixtures through `calculate`)
 * are async; the others are synchronous.
 */
import { z } from 'zod';
import { calculate } from '../calculation/calculate.ts';
import type { CalculationResult } from '../calculation/result.ts';
import { Dec } from '../quantity/decimal.ts';
import type { Period } from '../mechanisms/mechanisms.ts';
import { ProjectSchema, type Project, type ProjectInput } from '../project/project.ts';
import type { MonitoringFormat } from '../readers/types.ts';
import { CODES } from '../validation/codes.ts';
import type { Methodology } from '../methodology/types.ts';
import { createRegistry } from '../methodology/registry.ts';
import { equationsBlockProblems } from '../methodology/render-doc.ts';
import { undeclaredAbsences } from '../methodology/absence.ts';
import { internalNotes } from '../validation/internal-notes.ts';

/** README sections every methodology module has (house-style §3.3), in order. */
export const README_SECTIONS = [
  'Source',
  'Applicability',
  'Monitoring data',
  'Project parameters',
  'Fixed parameters',
  'Equations',
  'Worked example',
  'Changelog',
] as const;

/** Files of a module folder besides `methodology.ts`, relative to the folder. */
export const MODULE_FILES = [
  'README.md',
  'methodology.test.ts',
  'fixtures/project.json',
  'fixtures/valid.csv',
  'fixtures/invalid.csv',
  'fixtures/invalid.expected.json',
  'fixtures/expected.json',
] as const;

/** Module ids are kebab-case (as `defineMethodology` requires). */
export const MODULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

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

/** One entry of `fixtures/invalid.expected.json`: row 1 = first data row after the header. */
export interface ExpectedDiagnostic {
  readonly row: number;
  readonly column?: string;
  readonly code: string;
  readonly why?: string;
}

const decimal = z.string().refine((s) => {
  try {
    return new Dec(s).isFinite();
  } catch {
    return false;
  }
}, 'expected a decimal string such as "744.744484"');
const quantity = z.object({ t: decimal, tCO2e: decimal });
const count = z.number().int().min(0);

const ExpectedResultSchema = z.object({
  status: z.enum(['accepted', 'rejected', 'not-applicable']),
  gwpSet: z.string().optional(),
  period: z.object({ start: z.string(), end: z.string(), timeZone: z.string().optional() }).optional(),
  rows: z.object({ total: count, accepted: count, rejected: count }).optional(),
  totals: z.object({ BE: decimal, PE: decimal, LE: decimal, ER: decimal }),
  gases: z.array(z.object({ gas: z.string(), BE: quantity, PE: quantity, LE: quantity, ER: decimal })),
  issuable: z.object({ units: z.string() }),
});

const ExpectedDiagnosticsSchema = z
  .array(
    z.object({
      row: z.number().int().min(1),
      column: z.string().min(1).optional(),
      code: z
        .string()
        .refine((c) => Object.hasOwn(CODES, c), { error: (issue) => `"${String(issue.input)}" is not a diagnostic code (see core/validation/codes.ts)` }),
      why: z.string().optional(),
    }),
  )
  .min(1, 'annotate at least one bad row');

/** The text of a module's files (undefined: the file is missing), as read by the caller. */
export interface ModuleFiles {
  /** Path of the module folder; its last two segments must be `<id>/<version>`. */
  readonly folderPath: string;
  readonly readme?: string;
  /** Source of `methodology.test.ts`. */
  readonly test?: string;
  readonly fixtures: {
    readonly valid?: string;
    readonly invalid?: string;
    readonly invalidExpected?: string;
    readonly expected?: string;
    readonly project?: string;
  };
}

export interface ModuleUnderCheck extends ModuleFiles {
  readonly methodology: Methodology;
}

/** The outcome of one check: it passes when `problems` is empty and it was not skipped. */
export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly problems: readonly string[];
  /** Why the check could not run (a file it needs is missing or invalid; that is reported by another check). */
  readonly skipped?: string;
}

/** True when a check ran and found nothing. */
export const passed = (c: CheckResult) => !c.problems.length && !c.skipped;

const result = (id: string, title: string, problems: readonly string[], skipped?: string): CheckResult =>
  skipped ? { id, title, problems, skipped } : { id, title, problems };

function parseJson(text: string | undefined, file: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  if (text === undefined) return { ok: false, problem: `${file} is missing` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, problem: `${file} is not valid JSON: ${(e as Error).message}` };
  }
}

const issuesOf = (file: string, error: z.ZodError) => error.issues.map((i) => `${file}: ${i.path.join('.') || '(root)'}: ${i.message}`);

/** The fixtures of a module, parsed and checked for shape; `problems` says what could not be used. */
export interface ParsedFixtures {
  readonly projectInput?: ProjectInput;
  readonly project?: Project;
  readonly expected?: ExpectedResult;
  readonly invalidExpected?: readonly ExpectedDiagnostic[];
  readonly problems: { readonly project: readonly string[]; readonly expected: readonly string[]; readonly invalidExpected: readonly string[] };
}

/** Parses project.json, expected.json and invalid.expected.json, listing what is malformed (codes must be catalogued). */
export function parseFixtures(fixtures: ModuleFiles['fixtures']): ParsedFixtures {
  const problems = { project: [] as string[], expected: [] as string[], invalidExpected: [] as string[] };
  let projectInput: ProjectInput | undefined;
  let project: Project | undefined;
  const p = parseJson(fixtures.project, 'fixtures/project.json');
  if (!p.ok) problems.project.push(p.problem);
  else {
    projectInput = p.value as ProjectInput;
    const parsed = ProjectSchema.safeParse(p.value);
    if (parsed.success) project = parsed.data;
    else problems.project.push(...issuesOf('fixtures/project.json', parsed.error));
  }
  let expected: ExpectedResult | undefined;
  const e = parseJson(fixtures.expected, 'fixtures/expected.json');
  if (!e.ok) problems.expected.push(e.problem);
  else {
    const parsed = ExpectedResultSchema.safeParse(e.value);
    if (parsed.success) expected = parsed.data as ExpectedResult;
    else problems.expected.push(...issuesOf('fixtures/expected.json', parsed.error));
  }
  let invalidExpected: ExpectedDiagnostic[] | undefined;
  const d = parseJson(fixtures.invalidExpected, 'fixtures/invalid.expected.json');
  if (!d.ok) problems.invalidExpected.push(d.problem);
  else {
    const parsed = ExpectedDiagnosticsSchema.safeParse(d.value);
    if (parsed.success) invalidExpected = parsed.data;
    else problems.invalidExpected.push(...issuesOf('fixtures/invalid.expected.json', parsed.error));
  }
  return {
    ...(projectInput ? { projectInput } : {}),
    ...(project ? { project } : {}),
    ...(expected ? { expected } : {}),
    ...(invalidExpected ? { invalidExpected } : {}),
    problems,
  };
}

// ---------------------------------------------------------------------------------------------
// Checks on the definition and its documentation (synchronous).

/** The folder is `<id>/<version>`; `_<id>/<version>` marks a skeleton that is never registered (`_template`). */
export function checkFolder(m: Methodology, folderPath: string): CheckResult {
  const [dir = '', version = ''] = folderPath
    .replace(/[\\/]+$/, '')
    .split(/[\\/]+/)
    .slice(-2);
  const problems = dir === m.id || dir === `_${m.id}` ? [] : [`the folder is named "${dir}", but the module id is "${m.id}": move it to ${m.id}/${m.version}`];
  if (version !== m.version)
    problems.push(
      `the version folder is "${version}", but the module declares version "${m.version}": a released version folder never changes; a change is a new folder ${m.id}/<new version>`,
    );
  return result('folder', 'lives in the folder <id>/<version>', problems);
}

/** README.md, methodology.test.ts (running `describeConformance`) and the five fixtures are there. */
export function checkFilesPresent(files: ModuleFiles): CheckResult {
  const present: Record<(typeof MODULE_FILES)[number], string | undefined> = {
    'README.md': files.readme,
    'methodology.test.ts': files.test,
    'fixtures/project.json': files.fixtures.project,
    'fixtures/valid.csv': files.fixtures.valid,
    'fixtures/invalid.csv': files.fixtures.invalid,
    'fixtures/invalid.expected.json': files.fixtures.invalidExpected,
    'fixtures/expected.json': files.fixtures.expected,
  };
  const problems = MODULE_FILES.filter((f) => present[f] === undefined).map((f) => `${f} is missing`);
  if (files.test !== undefined && !files.test.includes('describeConformance('))
    problems.push("methodology.test.ts does not run the conformance suite: call describeConformance(methodology, new URL('./', import.meta.url))");
  return result('files', 'has README.md, methodology.test.ts and the five fixtures', problems);
}

/** `## 3. Monitoring data` → `monitoring data`. */
const headingsOf = (readme: string) =>
  readme
    .split('\n')
    .filter((l) => /^#{2,3}\s/.test(l))
    .map((l) =>
      l
        .replace(/^#+\s*(\d+\.\s*)?/, '')
        .trim()
        .toLowerCase(),
    );

/** The README has the eight sections of house-style §3.3 as `##`/`###` headings (numbered or not). */
export function checkReadmeSections(readme: string | undefined): CheckResult {
  const title = 'has a README with every required section';
  if (readme === undefined) return result('readme-sections', title, [], 'README.md is missing');
  const headings = headingsOf(readme);
  const missing = README_SECTIONS.filter((s) => !headings.some((h) => h.startsWith(s.toLowerCase())));
  return result(
    'readme-sections',
    title,
    missing.map((s) => `the README has no "${s}" section (a ## or ### heading; required: ${README_SECTIONS.join(', ')})`),
  );
}

/** The README mentions every column, project field, fixed parameter and equation symbol. */
export function checkReadmeSymbols(m: Methodology, readme: string | undefined): CheckResult {
  const title = 'names every column, project field, parameter and equation symbol in its README';
  if (readme === undefined) return result('readme-symbols', title, [], 'README.md is missing');
  const symbols: [string, string][] = [
    ...m.columns.map((c): [string, string] => [c.name, 'monitoring column']),
    ...Object.keys(m.project.shape).map((s): [string, string] => [s, 'project parameter']),
    ...Object.keys(m.parameters).map((s): [string, string] => [s, 'fixed parameter']),
    ...m.equations.map((e): [string, string] => [e.symbol, 'equation']),
  ];
  return result(
    'readme-symbols',
    title,
    symbols.filter(([s]) => !readme.includes(s)).map(([s, what]) => `the README does not mention the ${what} ${s}`),
  );
}

/** The README embeds the equations block `mrv methodology doc` renders for this very module (see render-doc.ts). */
export function checkReadmeEquations(m: Methodology, readme: string | undefined): CheckResult {
  const title = 'embeds the generated equations block, up to date (mrv methodology doc --write)';
  if (readme === undefined) return result('readme-equations', title, [], 'README.md is missing');
  return result('readme-equations', title, equationsBlockProblems(readme, m));
}

/** Every fixed parameter has a unit, a real source, a description and a range that holds its value. */
export function checkParameters(m: Methodology): CheckResult {
  const problems: string[] = [];
  for (const [name, p] of Object.entries(m.parameters)) {
    if (!p.unit) problems.push(`parameter ${name} has no unit (write '1' for a dimensionless factor)`);
    if (!(p.source?.length > 10)) problems.push(`parameter ${name} has no real source: cite the document, table and edition (more than 10 characters)`);
    if (!(p.description?.length > 5)) problems.push(`parameter ${name} has no description`);
    if (/\bunverified\b/i.test(p.source ?? '') && p.confidence !== 'unverified')
      problems.push(`parameter ${name}: its source says it is unverified; mark it confidence: 'unverified'`);
    if (p.confidence === 'unverified' && !/\bunverified\b/i.test(p.source ?? ''))
      problems.push(`parameter ${name} is confidence: 'unverified': say so in its source, after the public document the value was taken from`);
    if (!Array.isArray(p.range) || p.range.length !== 2) problems.push(`parameter ${name} has no range [min, max]`);
    else if (!(p.range[0] <= p.value && p.value <= p.range[1])) problems.push(`parameter ${name} = ${p.value} is not within its range [${p.range.join(', ')}]`);
  }
  return result('parameters', 'gives every fixed parameter a unit, a source, a description and a range that holds its value', problems);
}

/** Columns have a unit and a description, project fields a description, equations a unit and a reference; there is a BE term. */
export function checkDocumentation(m: Methodology): CheckResult {
  const problems: string[] = [];
  for (const c of m.columns) {
    if (!c.meta.unit) problems.push(`monitoring column ${c.name} has no unit`);
    if (!(c.meta.description.length > 5)) problems.push(`monitoring column ${c.name} has no description`);
  }
  for (const [field, schema] of Object.entries(m.project.shape))
    if (!(((schema as z.ZodType).description?.length ?? 0) > 5)) problems.push(`project parameter ${field} has no description: .describe('What it is [unit]')`);
  for (const eq of m.equations) {
    if (!eq.unit) problems.push(`equation ${eq.symbol} has no unit`);
    if (!(eq.ref.length > 5)) problems.push(`equation ${eq.symbol} has no reference to the source document (more than 5 characters)`);
  }
  if (!m.emissions.some((t) => t.category === 'BE')) problems.push('no emission term is in the BE (baseline) category');
  return result(
    'documentation',
    'gives every column a unit and a description, every project field a description, every equation a unit and a reference',
    problems,
  );
}

/**
 * Every text of a module that a user sees (reports, the CLI, README tables, reviews): the source and
 * its version, parameter sources and descriptions, equation and check references and descriptions,
 * check messages, applicability references and descriptions, column and project-field descriptions,
 * emission-source descriptions. Each with where it comes from.
 */
export function userVisibleTextOf(m: Methodology): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  const add = (where: string, text: string | undefined) => {
    if (text) out.push({ where, text });
  };
  add('title', m.title);
  add('source.document', m.source.document);
  add('source.documentVersion', m.source.documentVersion);
  for (const [name, p] of Object.entries(m.parameters)) {
    add(`parameter ${name} source`, p.source);
    add(`parameter ${name} description`, p.description);
  }
  for (const eq of m.equations) {
    add(`equation ${eq.symbol} ref`, eq.ref);
    add(`equation ${eq.symbol} description`, eq.description);
  }
  for (const c of m.checks ?? []) {
    add(`check ${c.id} ref`, c.ref);
    add(`check ${c.id} message`, c.message);
  }
  for (const a of m.applicability) {
    add(`applicability ${a.id} ref`, a.ref);
    add(`applicability ${a.id} description`, a.description);
  }
  for (const c of m.columns) add(`column ${c.name}`, c.meta.description);
  for (const [field, s] of Object.entries(m.project.shape)) add(`project field ${field}`, (s as z.ZodType).description);
  for (const [id, s] of Object.entries(m.sources ?? {})) add(`source ${id}`, s.description);
  return out;
}

/** No internal team note ("domain.md §…", "from memory", [M] / [U] / [C] / [unsure]) in any text a user sees. */
export function checkUserText(m: Methodology, readme: string | undefined): CheckResult {
  const texts = [...userVisibleTextOf(m), ...(readme ? [{ where: 'README.md', text: readme }] : [])];
  const problems = texts.flatMap(({ where, text }) =>
    internalNotes(text).map((n) => `${where}: ${n}; cite the public source (a value not confirmed against it gets confidence: 'unverified')`),
  );
  return result('user-text', 'shows users public sources only, no internal notes', problems);
}

/**
 * Every optional column declares what its absence means (core/methodology/absence.ts): a missing
 * declaration is reported with what the engine does meanwhile (the conservative reading) and what to write.
 */
export function checkAbsence(m: Methodology): CheckResult {
  return result(
    'absence',
    'declares for every optional column what its absence means (absent: { source, value } for project-side and leakage quantities)',
    undeclaredAbsences(m.columns),
  );
}

/** fixtures/project.json is a registration for this module, under a mechanism it lists, with parameters its schema accepts. */
export function checkProjectFixture(m: Methodology, parsed: ParsedFixtures): CheckResult {
  const title = 'accepts the fixture project registration (fixtures/project.json)';
  if (!parsed.project) return result('project-fixture', title, parsed.problems.project);
  const problems: string[] = [];
  if (parsed.project.methodology !== m.key) problems.push(`fixtures/project.json names methodology "${parsed.project.methodology}", expected "${m.key}"`);
  if (!m.mechanisms.includes(parsed.project.mechanism))
    problems.push(`fixtures/project.json is under ${parsed.project.mechanism}, which the module does not list (${m.mechanisms.join(', ')})`);
  const params = m.project.safeParse(parsed.project.parameters);
  if (!params.success) problems.push(...params.error.issues.map((i) => `fixtures/project.json parameters.${i.path.join('.') || '(root)'}: ${i.message}`));
  return result('project-fixture', title, problems);
}

/**
 * Every synchronous check of a loaded module, in the order `mrv methodology check` prints them.
 *
 * @example
 * const problems = checkModuleFiles({ methodology, folderPath: 'methodologies/grid-renewable/1.0.0', readme, test, fixtures: { valid, invalid, invalidExpected, expected, project } })
 *   .filter((c) => !passed(c));
 */
export function checkModuleFiles(input: ModuleUnderCheck): CheckResult[] {
  const m = input.methodology;
  return [
    checkFolder(m, input.folderPath),
    checkFilesPresent(input),
    checkReadmeSections(input.readme),
    checkReadmeSymbols(m, input.readme),
    checkReadmeEquations(m, input.readme),
    checkParameters(m),
    checkDocumentation(m),
    checkAbsence(m),
    checkUserText(m, input.readme),
    checkProjectFixture(m, parseFixtures(input.fixtures)),
  ];
}

// ---------------------------------------------------------------------------------------------
// Fixtures through the engine (async).

/** A byte source for `calculate` from an in-memory text (one chunk). */
export async function* bytesOf(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

/** Runs the engine on an in-memory monitoring file for one methodology (its own one-module registry). */
export function runFixture(
  methodology: Methodology,
  project: Project,
  text: string,
  options: { format?: MonitoringFormat; period?: Period; fileName?: string } = {},
): Promise<CalculationResult> {
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

/** Splits a simple CSV fixture (no quoted fields) into its header line and data lines. */
export function splitCsv(text: string): { header: string; lines: string[] } {
  const [header = '', ...lines] = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  return { header, lines };
}

/** The rows of a simple CSV fixture as a JSON upload (plain numbers become JSON numbers). */
export function csvAsJson(text: string): string {
  const { header, lines } = splitCsv(text);
  const names = header.split(',');
  const records = lines.map((l) => Object.fromEntries(l.split(',').map((cell, i) => [names[i], /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell])));
  return JSON.stringify(records, null, 1);
}

/** The error diagnostics of a result. */
export const errorsOf = (r: CalculationResult) => r.diagnostics.filter((d) => d.severity === 'error');
/** Every diagnostic of a result on one line each, for failure messages. */
export const describeDiagnostics = (r: CalculationResult) =>
  r.diagnostics.map((d) => `${d.severity} ${d.code} row=${d.location?.row ?? '-'} col=${d.location?.column ?? '-'}: ${d.message}`).join('\n');

function decimalProblem(actual: string | undefined, expected: string, what: string): string | undefined {
  if (actual === undefined) return `${what}: expected ${expected}, got nothing`;
  return new Dec(actual).equals(new Dec(expected)) ? undefined : `${what}: expected ${expected}, got ${actual}`;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Differences between a result and an expected.json-shaped object: status, totals, every gas, issuable units. */
export function compareResult(r: CalculationResult, expected: ExpectedResult): string[] {
  const problems = [...outlineProblems(r, expected), ...gasProblems(r, expected)];
  if (r.issuable?.units !== expected.issuable.units) problems.push(`issuable units: expected ${expected.issuable.units}, got ${r.issuable?.units ?? 'none'}`);
  return problems;
}

/** Status (with the first errors), GWP set, period, row counts and the four totals. */
function outlineProblems(r: CalculationResult, expected: ExpectedResult): string[] {
  const problems: string[] = [];
  if (r.status !== expected.status) {
    const errors = errorsOf(r)
      .slice(0, 3)
      .map((d) => `${d.code}: ${d.message}`)
      .join('; ');
    problems.push(`status: expected ${expected.status}, got ${r.status}${r.diagnostics.length ? ` (${errors})` : ''}`);
  }
  if (expected.gwpSet && r.gwp?.set !== expected.gwpSet) problems.push(`GWP set: expected ${expected.gwpSet}, got ${r.gwp?.set ?? 'none'}`);
  if (expected.period && !same(r.period, expected.period))
    problems.push(`period: expected ${JSON.stringify(expected.period)}, got ${JSON.stringify(r.period)}`);
  if (expected.rows && !same(r.rows, { total: expected.rows.total, accepted: expected.rows.accepted, rejected: expected.rows.rejected }))
    problems.push(`rows: expected ${JSON.stringify(expected.rows)}, got ${JSON.stringify(r.rows)}`);
  for (const k of ['BE', 'PE', 'LE', 'ER'] as const) {
    const p = decimalProblem(r.totals?.[k], expected.totals[k], `total ${k}`);
    if (p) problems.push(p);
  }
  return problems;
}

/** The same gases, and for each the tonnes and tCO2e of BE, PE and LE, and its ER. */
function gasProblems(r: CalculationResult, expected: ExpectedResult): string[] {
  const problems: string[] = [];
  const gases = new Map((r.gases ?? []).map((g) => [g.gas, g]));
  const got = [...gases.keys()].sort();
  const want = expected.gases.map((g) => g.gas).sort();
  if (!same(got, want)) problems.push(`gases: expected ${want.join(', ') || '(none)'}, got ${got.join(', ') || '(none)'}`);
  for (const e of expected.gases) {
    const a = gases.get(e.gas);
    if (!a) continue;
    for (const k of ['BE', 'PE', 'LE'] as const) {
      for (const p of [decimalProblem(a[k].t, e[k].t, `${e.gas} ${k} t`), decimalProblem(a[k].tCO2e, e[k].tCO2e, `${e.gas} ${k} tCO2e`)])
        if (p) problems.push(p);
    }
    const p = decimalProblem(a.ER, e.ER, `${e.gas} ER`);
    if (p) problems.push(p);
  }
  return problems;
}

type FixtureCheck = (m: Methodology, files: ModuleFiles, parsed: ParsedFixtures) => Promise<CheckResult>;

/** Runs a fixture check, turning a thrown configuration error into a problem instead of a crash. */
async function guarded(id: string, title: string, body: () => Promise<readonly string[]>): Promise<CheckResult> {
  try {
    return result(id, title, await body());
  } catch (e) {
    return result(id, title, [`the engine refused the fixture: ${(e as Error).message}`]);
  }
}

const VALID_TITLE = 'calculates fixtures/valid.csv to exactly fixtures/expected.json, with no diagnostics';
/** fixtures/valid.csv gives no diagnostic at all and exactly fixtures/expected.json. */
export const checkValidFixture: FixtureCheck = async (m, files, parsed) => {
  const skip = !parsed.project
    ? 'fixtures/project.json is not usable'
    : !parsed.expected
      ? 'fixtures/expected.json is not usable'
      : files.fixtures.valid === undefined
        ? 'fixtures/valid.csv is missing'
        : undefined;
  if (skip) return result('valid-fixture', VALID_TITLE, parsed.problems.expected, skip);
  return guarded('valid-fixture', VALID_TITLE, async () => {
    const r = await runFixture(m, parsed.project!, files.fixtures.valid!, { fileName: 'valid.csv' });
    const noise = r.diagnostics.map(
      (d) =>
        `fixtures/valid.csv gives ${d.severity} ${d.code}${d.location?.row !== undefined ? ` at row ${d.location.row}` : ''}${d.location?.column ? ` (${d.location.column})` : ''}: ${d.message}`,
    );
    return [...noise, ...compareResult(r, parsed.expected!)];
  });
};

const JSON_TITLE = 'gives the same totals for the same rows uploaded as JSON';
/** The rows of fixtures/valid.csv uploaded as JSON give no error and the same result. */
export const checkValidFixtureAsJson: FixtureCheck = async (m, files, parsed) => {
  if (!parsed.project || !parsed.expected || files.fixtures.valid === undefined)
    return result('valid-fixture-json', JSON_TITLE, [], 'the valid fixture check cannot run');
  return guarded('valid-fixture-json', JSON_TITLE, async () => {
    const r = await runFixture(m, parsed.project!, csvAsJson(files.fixtures.valid!), { format: 'json', fileName: 'valid.json' });
    return [
      ...errorsOf(r).map((d) => `as JSON: ${d.code} at row ${d.location?.row ?? '-'}: ${d.message}`),
      ...compareResult(r, parsed.expected!).map((p) => `as JSON: ${p}`),
    ];
  });
};

const DETERMINISTIC_TITLE = 'is deterministic: the same file gives the same result twice';
/** Two runs of fixtures/valid.csv give identical results. */
export const checkDeterministic: FixtureCheck = async (m, files, parsed) => {
  if (!parsed.project || files.fixtures.valid === undefined) return result('deterministic', DETERMINISTIC_TITLE, [], 'the valid fixture check cannot run');
  return guarded('deterministic', DETERMINISTIC_TITLE, async () => {
    const a = await runFixture(m, parsed.project!, files.fixtures.valid!);
    const b = await runFixture(m, parsed.project!, files.fixtures.valid!);
    return same(a, b) ? [] : ['two runs of fixtures/valid.csv gave different results (an equation or check depends on something besides its inputs)'];
  });
};

const INVALID_TITLE = 'reports every annotated row of fixtures/invalid.csv with its code, and rejects no other row';
/** Every annotated row of fixtures/invalid.csv gets its code (at its column), no other row is rejected, the file is rejected without totals. */
export const checkInvalidFixture: FixtureCheck = async (m, files, parsed) => {
  const skip = !parsed.project ? 'fixtures/project.json is not usable' : files.fixtures.invalid === undefined ? 'fixtures/invalid.csv is missing' : undefined;
  if (skip || !parsed.invalidExpected) return result('invalid-fixture', INVALID_TITLE, parsed.problems.invalidExpected, skip);
  return guarded('invalid-fixture', INVALID_TITLE, async () => {
    const r = await runFixture(m, parsed.project!, files.fixtures.invalid!, { fileName: 'invalid.csv' });
    const problems: string[] = [];
    if (r.status !== 'rejected') problems.push(`fixtures/invalid.csv was ${r.status}; it must be rejected`);
    if (r.totals !== undefined) problems.push('fixtures/invalid.csv produced totals; a rejected file has none');
    const at = (row: number, column?: string) =>
      r.diagnostics.filter((d) => d.location?.row === row && (column === undefined || d.location?.column === column));
    for (const e of parsed.invalidExpected!) {
      if (at(e.row, e.column).some((d) => d.code === e.code)) continue;
      const got = at(e.row).map((d) => `${d.code}${d.location?.column ? ` (${d.location.column})` : ''}`);
      problems.push(
        `row ${e.row}${e.column ? ` column ${e.column}` : ''}: annotated ${e.code}${e.why ? ` (${e.why})` : ''}, but the engine gives ${got.length ? got.join(', ') : 'no diagnostic for that row'}`,
      );
    }
    const annotated = new Set(parsed.invalidExpected!.map((e) => e.row));
    for (const d of errorsOf(r))
      if (d.location?.row !== undefined && !annotated.has(d.location.row))
        problems.push(
          `row ${d.location.row} is rejected (${d.code}${d.location.column ? `, ${d.location.column}` : ''}) but is not annotated in fixtures/invalid.expected.json`,
        );
    if (r.rows.rejected !== annotated.size) problems.push(`${r.rows.rejected} rows were rejected, but ${annotated.size} rows are annotated`);
    return problems;
  });
};

/** Runs the four fixture checks (valid as CSV and JSON, determinism, invalid rows) through `calculate`. */
export async function checkFixtures(input: ModuleUnderCheck, parsed: ParsedFixtures = parseFixtures(input.fixtures)): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const check of [checkValidFixture, checkValidFixtureAsJson, checkDeterministic, checkInvalidFixture])
    out.push(await check(input.methodology, input, parsed));
  return out;
}

/**
 * Every check, synchronous and through the engine.
 *
 * @example
 * for (const c of await checkModule({ methodology, ...files })) console.log(passed(c) ? '✓' : '✗', c.title, c.problems);
 */
export async function checkModule(input: ModuleUnderCheck): Promise<CheckResult[]> {
  return [...checkModuleFiles(input), ...(await checkFixtures(input))];
}
