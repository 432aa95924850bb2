import { calculate, recordFastPath } from '../../core/calculation/calculate.ts';
import { csvFastPath } from '../../core/readers/csv.ts';
import type { CalculationResult } from '../../core/calculation/result.ts';
import { parsePeriodText } from '../../core/time/period.ts';
import { DEFAULT_TIME_ZONE } from '../../core/time/zone.ts';
import type { MonitoringFormat } from '../../core/readers/types.ts';
import { registry } from '../../methodologies/index.ts';
import { supersessionNote } from '../../core/methodology/registry.ts';
import { registrationWarnings } from '../../core/project/registration.ts';
import { detectFormat } from '../../core/readers/read-records.ts';
import { ZIP_TAIL_BYTES } from '../../core/readers/zip-directory.ts';
import { readTail } from '../load.ts';
import { parse } from '../args.ts';
import { loadProjectFile, openMonitoringFile } from '../load.ts';
import { renderSummary } from '../render.ts';
import { SPLIT_MIN_BYTES, SPLIT_MIN_CORES } from '../split-threshold.ts';
import { UsageError, type Command, type Io } from './types.ts';
import { availableParallelism } from 'node:os';

const FORMATS = ['csv', 'json', 'ndjson', 'xlsx'];

/** A progress bar on stderr, only on a terminal and only for files worth waiting for. */
function progress(io: Io, size: number): ((bytes: number) => void) | undefined {
  if (!io.errIsTTY || size < 5_000_000) return undefined;
  let last = -1;
  return (bytes) => {
    const pct = Math.floor((bytes / size) * 100);
    if (pct === last) return;
    last = pct;
    const filled = Math.round(pct / 4);
    process.stderr.write(`\r  [${'#'.repeat(filled)}${'.'.repeat(25 - filled)}] ${pct}%${pct >= 100 ? '\n' : ''}`);
  };
}

/** Runs the core on one file for one project registration. Shared by calc, validate and start. */
export async function runCalculation(
  args: { project: string; file: string; period?: string; format?: string; workers?: number },
  io: Io,
): Promise<CalculationResult> {
  // Switches for comparing the fast paths with the general ones (npm run bench; core reads no environment).
  if (io.env.MRV_CSV_FAST === '0') csvFastPath.enabled = false;
  if (io.env.MRV_RECORD_FAST === '0') recordFastPath.enabled = false;
  if (args.format && !FORMATS.includes(args.format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  const project = await loadProjectFile(args.project, io.cwd);
  for (const w of registrationWarnings(project)) io.err(`warning: ${w}`);
  let period;
  if (args.period) {
    // Local dates of the site: [first day 00:00, day after the last 00:00) on its clock; or two instants with offsets.
    const p = parsePeriodText(args.period, project.timeZone ?? DEFAULT_TIME_ZONE);
    if ('problem' in p)
      throw new UsageError(
        `--period must be YYYY-MM-DD/YYYY-MM-DD (local dates of the site, first and last day included) or <date-time with offset>/<date-time with offset> (end excluded): ${p.problem}, got "${args.period}"`,
      );
    period = p;
  }
  const file = await openMonitoringFile(args.file, io.cwd);
  const format = args.format ?? detectFormat(args.file);
  // Both cores: a large CSV file (or any, with --workers N > 1) in byte ranges on worker threads; --workers 1 reads it in one pass.
  const cores = availableParallelism();
  const ranges = args.workers ?? (file.size >= SPLIT_MIN_BYTES && cores >= SPLIT_MIN_CORES ? Math.min(cores, 8) : 1);
  if (ranges > 1 && format === 'csv') {
    const { calculateInRanges } = await import('../split-run.ts');
    const split = await calculateInRanges({
      path: file.full,
      fileName: args.file,
      projectPath: args.project,
      cwd: io.cwd,
      size: file.size,
      ranges,
      project,
      ...(period ? { period } : {}),
      csvFast: csvFastPath.enabled,
      recordFast: recordFastPath.enabled,
    });
    if ('result' in split) {
      (file.stream as { destroy?: () => void }).destroy?.();
      if (args.workers !== undefined || io.errIsTTY) io.err(`mrv: calculated ${args.file} in ${split.ranges} byte ranges on worker threads.`);
      return split.result;
    }
    io.err(`mrv: calculating ${args.file} in one pass, not in ${ranges} ranges: ${split.onePass}.`);
  } else if (ranges > 1 && args.workers !== undefined) io.err(`mrv: calculating ${args.file} in one pass: only CSV files are split into ranges.`);
  const onProgress = progress(io, file.size);
  const archiveTail = format === 'xlsx' ? await readTail(file.full, file.size, ZIP_TAIL_BYTES) : undefined;
  return calculate({
    ...(archiveTail ? { archiveTail } : {}),
    source: file.stream,
    fileName: args.file,
    project,
    registry,
    ...(period ? { period } : {}),
    ...(args.format ? { format: args.format as MonitoringFormat } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
}

function makeCalcCommand(name: 'calc' | 'validate'): Command {
  return {
    name,
    summary:
      name === 'calc' ? 'Validate a monitoring file and calculate BE, PE, LE and ER per gas' : 'Validate a monitoring file against its methodology (no totals)',
    usage: `mrv ${name} --project <project.json> <monitoring file> [--json] [--period YYYY-MM-DD/YYYY-MM-DD (site-local days)] [--format csv|json|ndjson|xlsx] [--workers N (CSV: byte ranges on N threads; default one per core from 64 MB on 4+ cores; 1 = one pass)]`,
    async run(argv, io) {
      const { values, positionals } = parse(argv, {
        project: { type: 'string', short: 'p' },
        json: { type: 'boolean' },
        period: { type: 'string' },
        format: { type: 'string' },
        workers: { type: 'string' },
      });
      let workers: number | undefined;
      if (values.workers !== undefined) {
        workers = Number(values.workers);
        if (!Number.isInteger(workers) || workers < 1 || workers > 64)
          throw new UsageError(`--workers must be a whole number from 1 to 64, got "${values.workers}"`);
      }
      if (!values.project) throw new UsageError('--project <project.json> is required');
      if (positionals.length !== 1) throw new UsageError('give exactly one monitoring file');
      const result = await runCalculation(
        {
          project: values.project,
          file: positionals[0]!,
          ...(values.period ? { period: values.period } : {}),
          ...(values.format ? { format: values.format } : {}),
          ...(workers ? { workers } : {}),
        },
        io,
      );
      const superseded = result.methodology ? registry.supersededBy(result.methodology.key) : undefined;
      if (values.json) {
        const out = name === 'validate' ? { ...result, totals: undefined, gases: undefined, issuable: undefined, trace: [] } : result;
        io.out(JSON.stringify(out, null, 2));
        if (superseded && result.methodology) io.err(`note: ${supersessionNote(result.methodology.key, superseded)}`);
      } else if (name === 'validate') {
        const { totals: _t, gases: _g, issuable: _i, ...rest } = result;
        io.out(renderSummary({ ...rest, trace: [] } as CalculationResult).replace(/: ACCEPTED$/m, ': VALID'));
      } else io.out(renderSummary(result));
      if (!values.json && superseded && result.methodology) io.out(`note: ${supersessionNote(result.methodology.key, superseded)}`);
      return result.status === 'accepted' ? 0 : 1;
    },
  };
}

export const calcCommand = makeCalcCommand('calc');
export const validateCommand = makeCalcCommand('validate');
