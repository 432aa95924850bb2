/**
 * The header stage: the file's columns and units against the methodology's. Missing and misspelled columns
 * are refused (never ignored: a quantity would be dropped), unknown ones noted, source columns of a site
 * that has the source required, and a column stated in another compatible unit converted exactly.
 */
import type { Methodology } from '../../methodology/define-methodology.ts';
import { closestColumn } from '../../methodology/did-you-mean.ts';
import { hasInvisible, visible, withoutInvisible } from '../../readers/visible.ts';
import type * as Units from '../../units/exact.ts';
import type { Diag, SourceColumn } from './context.ts';
import { sourceHint } from './context.ts';

/** core/units/exact.ts is loaded only for a file that states a column in another unit (kWh for MWh). */
let unitsModule: typeof Units | undefined;

export interface HeaderEvent {
  readonly columns: readonly string[];
  readonly units?: Readonly<Record<string, string>>;
}

export interface HeaderCheck {
  readonly methodology: Methodology;
  readonly fileName: string;
  readonly diag: Diag;
  readonly sourceColumns: readonly SourceColumn[];
}

export interface HeaderOutcome {
  /** No column is missing (the caller also asks that no error was reported so far). */
  readonly complete: boolean;
  /** Source columns present in the file at a site that has the source: an empty cell is refused. */
  readonly emptyRefused: ReadonlySet<string>;
  /** Columns the file states in another compatible unit: the exact conversion to the methodology's unit. */
  readonly converted: ReadonlyMap<string, Units.Conversion>;
}

/** Whether the header states a unit to convert, so core/units must be loaded (see {@link loadUnits}) before {@link checkHeader}. */
export function needsUnits(methodology: Methodology, event: HeaderEvent): boolean {
  return (
    !unitsModule &&
    Object.entries(event.units ?? {}).some(
      ([c, unit]) => unit !== '' && methodology.columns.some((x) => x.name === c && x.meta.kind === 'number' && x.meta.unit !== unit),
    )
  );
}

export function loadUnits(): Promise<void> {
  return import('../../units/exact.ts').then((m) => void (unitsModule = m));
}

const listColumns = (columns: readonly string[]) => columns.map((x) => (hasInvisible(x) ? `"${visible(x)}"` : x)).join(', ') || '(none)';
const named = (c: string) => (hasInvisible(c) ? `"${visible(c)}"` : c);

export function checkHeader(h: HeaderCheck, event: HeaderEvent): HeaderOutcome {
  const present = new Set(event.columns);
  const missing = h.methodology.columns.filter((c) => !c.meta.optional && !present.has(c.name)).map((c) => c.name);
  for (const c of missing) reportMissing(h, event, c);
  /** Declared columns a misspelled header was taken for (did you mean …?). */
  const meantColumns = checkUnknownColumns(h, event);
  const emptyRefused = new Set<string>();
  for (const c of h.sourceColumns) {
    if (c.absentBecause !== undefined) continue;
    if (present.has(c.name)) {
      emptyRefused.add(c.name);
      continue;
    }
    missing.push(c.name);
    if (meantColumns.has(c.name)) continue; // the did-you-mean above already names it
    h.diag({
      severity: 'error',
      code: 'header.missing_column',
      message: `Column ${c.name} (${c.meta.unit}) is missing: ${c.meta.description}. ${sourceHint(c)} Columns found: ${listColumns(event.columns)}.`,
      location: { file: h.fileName, column: c.name },
      expected: `${c.name} (${c.meta.unit})`,
    });
  }
  return { complete: missing.length === 0, emptyRefused, converted: checkUnits(h, event) };
}

function reportMissing(h: HeaderCheck, event: HeaderEvent, c: string): void {
  const meta = h.methodology.columns.find((x) => x.name === c)!.meta;
  // A name that differs only by invisible characters (a zero-width space) is named as such, escaped.
  const lookalike = event.columns.find((x) => x !== c && withoutInvisible(x) === c);
  const why = lookalike !== undefined ? ` The file has a column "${visible(lookalike)}", which contains invisible characters: delete them.` : '';
  h.diag({
    severity: 'error',
    code: 'header.missing_column',
    message: `Column ${c} is missing: the methodology needs it (${meta.description}, ${meta.unit}).${why} Columns found: ${listColumns(event.columns)}.`,
    location: { file: h.fileName, column: c },
    expected: `${c} (${meta.unit})`,
  });
}

/** Columns the methodology does not define: a near miss of a declared one is refused, any other ignored. */
function checkUnknownColumns(h: HeaderCheck, event: HeaderEvent): Set<string> {
  const known = new Set(h.methodology.columns.map((c) => c.name));
  const meantColumns = new Set<string>();
  for (const c of event.columns) {
    if (!c || known.has(c)) continue;
    // Close to a declared column: a typo whose quantity would be dropped; refused, never ignored.
    const meant = closestColumn(c, [...known]);
    if (meant) meantColumns.add(meant);
    if (meant)
      h.diag({
        severity: 'error',
        code: 'header.misspelled_column',
        message: `Column ${named(c)} is not defined by ${h.methodology.key}: did you mean ${meant}? Rename the column; a misspelled column is refused rather than ignored, so no quantity is dropped.`,
        location: { file: h.fileName, column: c },
        actual: c,
        expected: meant,
      });
    else
      h.diag({
        severity: 'warning',
        code: 'header.unknown_column',
        message: `Column ${named(c)} is not defined by ${h.methodology.key} and is ignored.`,
        location: { file: h.fileName, column: c },
      });
  }
  return meantColumns;
}

/** Units stated in the header: converted exactly where compatible, refused where not. */
function checkUnits(h: HeaderCheck, event: HeaderEvent): Map<string, Units.Conversion> {
  const converted = new Map<string, Units.Conversion>();
  for (const [c, unit] of Object.entries(event.units ?? {})) {
    const meta = h.methodology.columns.find((x) => x.name === c)?.meta;
    if (!meta || unit === meta.unit || unit === '') continue;
    const conversion =
      meta.kind === 'number' ? unitsModule!.conversionFactor(String(unit), meta.unit) : ({ ok: false, problem: `${c} is not a numeric column` } as const);
    if (conversion.ok) {
      if (conversion.factor.num !== conversion.factor.den) converted.set(c, conversion);
      h.diag({
        severity: 'info',
        code: 'header.unit_converted',
        message: `Column ${c} is stated in ${unit} and converted to ${meta.unit} (× ${conversion.label}).`,
        location: { file: h.fileName, column: c },
      });
    } else
      h.diag({
        severity: 'error',
        code: 'header.unknown_unit',
        message: `Column ${c} is stated in "${unit}", which cannot be used: ${conversion.problem}. State it in ${meta.unit} or a compatible unit (e.g. kWh for MWh).`,
        location: { file: h.fileName, column: c },
        actual: String(unit),
        expected: meta.unit,
      });
  }
  return converted;
}
