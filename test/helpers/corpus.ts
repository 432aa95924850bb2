/**
 * The hostile-file corpus (test/corpus/): loader and checks, shared by the CLI corpus test
 * (test/corpus/corpus.test.ts) and the local-stack run of the same files through the emulators.
 *
 * - `loadManifest()` reads and validates test/corpus/manifest.json.
 * - `materializeCorpus(dir)` copies the committed files and generates the others (XLSX, zip bomb,
 *   10 MB lines: test/corpus/generate-xlsx.ts) into `dir` and returns every entry with absolute paths.
 * - `checkOutcome(entry, outcome)` compares what a run produced (exit code, status, diagnostics) with
 *   the entry's expectation and returns the mismatches (empty = as documented). Independent of how the
 *   file was run, so the emulator run can reuse it with the report JSON it downloads.
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const CORPUS_DIR = fileURLToPath(new URL('../corpus/', import.meta.url));
export const CORPUS_FILES_DIR = join(CORPUS_DIR, 'files');
/** The registration every entry uses unless it names its own `project`. */
export const DEFAULT_PROJECT = fileURLToPath(new URL('../../methodologies/grid-renewable/1.0.0/fixtures/project.json', import.meta.url));

const CorpusEntrySchema = z.object({
  /** File name under test/corpus/files/ (or generated: test/corpus/generate-xlsx.ts). */
  file: z.string().min(1),
  format: z.enum(['csv', 'json', 'ndjson', 'xlsx']),
  /** Not committed: built by generate-xlsx.ts (binary, large or library-made). */
  generated: z.boolean().optional(),
  /** Run in a child process with a time and heap cap (a file that may exhaust the process). */
  isolate: z.boolean().optional(),
  /** Registration relative to test/corpus/ (default: the grid-renewable fixture project). */
  project: z.string().optional(),
  /** Declared monitoring period `YYYY-MM-DD/YYYY-MM-DD` (`mrv calc --period`). */
  period: z.string().optional(),
  expect: z.object({
    /** CLI exit code: 0 accepted, 1 rejected / not applicable, 2 configuration or usage error. */
    exit: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    status: z.enum(['accepted', 'rejected', 'not-applicable']).optional(),
    /** Codes that must be among the diagnostics. `a|b` accepts either. */
    codes: z.array(z.string()),
    /** Codes that must not appear. */
    absent: z.array(z.string()).optional(),
    /** Where the first diagnostic with the first expected code must point. */
    row: z.number().int().positive().optional(),
    column: z.string().optional(),
    /** A regular expression the output (stdout + stderr) must match. */
    message: z.string().optional(),
  }),
  why: z.string().min(5),
});

export type CorpusEntry = z.infer<typeof CorpusEntrySchema>;

/** An entry with the paths a run needs. */
export interface MaterializedEntry extends CorpusEntry {
  /** Unique name for test titles (file, plus the project when one file serves several entries). */
  readonly name: string;
  readonly path: string;
  readonly projectPath: string;
}

export function loadManifest(): CorpusEntry[] {
  const raw = JSON.parse(readFileSync(join(CORPUS_DIR, 'manifest.json'), 'utf8')) as unknown;
  return z.array(CorpusEntrySchema).parse(raw);
}

/** Copies committed files and generates the rest into `dir`; returns the entries with absolute paths. */
export async function materializeCorpus(dir: string, options: { readonly skip?: (e: CorpusEntry) => boolean } = {}): Promise<MaterializedEntry[]> {
  const { generateCorpusFiles } = await import('../corpus/generate-xlsx.ts');
  const entries = loadManifest().filter((e) => !options.skip?.(e));
  const generated = new Set<string>();
  for (const e of entries) {
    const target = join(dir, e.file);
    if (e.generated) generated.add(e.file);
    else if (!existsSync(target)) copyFileSync(join(CORPUS_FILES_DIR, e.file), target);
  }
  await generateCorpusFiles(dir, [...generated]);
  return entries.map((e) => ({
    ...e,
    name: e.project ? `${e.file} with ${e.project}` : e.file,
    path: join(dir, e.file),
    projectPath: e.project ? join(CORPUS_DIR, e.project) : DEFAULT_PROJECT,
  }));
}

/** The `mrv calc` arguments for an entry (JSON output). */
export function calcArgs(e: MaterializedEntry, json = true): string[] {
  return ['calc', ...(json ? ['--json'] : []), '--project', e.projectPath, ...(e.period ? ['--period', e.period] : []), e.path];
}

export interface RunDiagnostic {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly location?: { readonly row?: number; readonly column?: string; readonly file?: string };
}

/** What one run of one entry produced. */
export interface CorpusOutcome {
  readonly exit: number;
  readonly status?: string;
  readonly diagnostics: readonly RunDiagnostic[];
  /** Everything printed, for `expect.message`. */
  readonly output: string;
}

const matches = (code: string, wanted: string) => wanted.split('|').includes(code);

/** Mismatches between an outcome and the entry's expectation; empty when it is as documented. */
export function checkOutcome(e: CorpusEntry, o: CorpusOutcome): string[] {
  const problems: string[] = [];
  const x = e.expect;
  if (o.exit !== x.exit) problems.push(`exit ${o.exit}, expected ${x.exit}`);
  if (x.status !== undefined && o.status !== x.status) problems.push(`status ${String(o.status)}, expected ${x.status}`);
  const codes = o.diagnostics.map((d) => d.code);
  for (const wanted of x.codes) if (!codes.some((c) => matches(c, wanted))) problems.push(`no ${wanted} among [${codes.join(', ')}]`);
  for (const unwanted of x.absent ?? []) if (codes.includes(unwanted)) problems.push(`${unwanted} is present`);
  if (x.codes.length && (x.row !== undefined || x.column !== undefined)) {
    const first = o.diagnostics.find((d) => matches(d.code, x.codes[0]!));
    if (first && x.row !== undefined && first.location?.row !== x.row)
      problems.push(`${first.code} at row ${String(first.location?.row)}, expected row ${x.row}`);
    if (first && x.column !== undefined && first.location?.column !== x.column)
      problems.push(`${first.code} at column ${String(first.location?.column)}, expected ${x.column}`);
  }
  if (x.message !== undefined && !new RegExp(x.message).test(o.output)) problems.push(`output does not match /${x.message}/`);
  // Every rejection is explained: an error diagnostic with a message, unless it is a usage error.
  if (x.exit === 1 && !o.diagnostics.some((d) => d.severity === 'error' && d.message.length > 10))
    problems.push('rejected without an error diagnostic that explains it');
  for (const d of o.diagnostics) if (!d.message || d.message.trim().length < 10) problems.push(`${d.code} has no message`);
  return problems;
}

/** Parses `mrv calc --json` output into an outcome (usage errors print no JSON). */
export function outcomeOf(run: { code: number; out: string; err: string }): CorpusOutcome {
  let json: { status?: string; diagnostics?: RunDiagnostic[] } = {};
  try {
    json = JSON.parse(run.out) as typeof json;
  } catch {
    json = {};
  }
  return { exit: run.code, ...(json.status ? { status: json.status } : {}), diagnostics: json.diagnostics ?? [], output: `${run.out}\n${run.err}` };
}

/**
 * A pipeline report (`reports/<project>/<uploadId>.json`) as an outcome, so {@link checkOutcome} applies
 * to the local-stack run: exit 0 for accepted, 1 for rejected / not applicable (what `mrv calc` exits);
 * `output` is the human-readable report (`.txt`).
 */
export function outcomeOfReport(report: { readonly status: string; readonly diagnostics: readonly RunDiagnostic[] }, text = ''): CorpusOutcome {
  return { exit: report.status === 'accepted' ? 0 : 1, status: report.status, diagnostics: report.diagnostics, output: text };
}
