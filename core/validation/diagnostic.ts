/**
 * A problem found in a monitoring file or a project registration. Diagnostics are data: they are
 * collected, never thrown, and written to the report the uploader receives.
 */
export interface Diagnostic {
  readonly severity: 'error' | 'warning' | 'info';
  /** Stable dotted code from {@link import('./codes.ts').CODES}, e.g. `row.not_a_number`. */
  readonly code: string;
  /** One sentence that says what is wrong and what to change. */
  readonly message: string;
  /** Who raised it: `core/readers`, `core/validation`, or `<methodology>@<version>`. */
  readonly source: string;
  readonly location?: DiagnosticLocation;
  /** The offending value, truncated to a printable length. */
  readonly actual?: string;
  /** What was expected, with its unit: `number ≥ 0 (MWh)`. */
  readonly expected?: string;
  /** Methodology section or equation the rule comes from. */
  readonly ref?: string;
}

export interface DiagnosticLocation {
  readonly file: string;
  /** 1-based data row (the first record after the header is row 1), the same in every format. */
  readonly row?: number;
  /** Physical 1-based line (CSV/NDJSON) or worksheet row (XLSX) where the record starts. */
  readonly line?: number;
  readonly column?: string;
}

/** Shows a value in a message: quoted, control characters escaped, at most 60 characters. */
export function showValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid date' : value.toISOString();
  let text = typeof value === 'string' ? value : String(value);
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (text.length > 60) text = `${text.slice(0, 57)}…`;
  return typeof value === 'string' ? JSON.stringify(text) : text;
}

/** "file.csv, row 3 (line 4), column EG_export" */
export function describeLocation(loc: DiagnosticLocation | undefined): string {
  if (!loc) return '';
  const parts = [loc.file];
  if (loc.row !== undefined) parts.push(`row ${loc.row}${loc.line !== undefined && loc.line !== loc.row ? ` (line ${loc.line})` : ''}`);
  else if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.column !== undefined) parts.push(`column ${loc.column}`);
  return parts.join(', ');
}

/**
 * Collects diagnostics with a cap: every problem is counted, the first `cap` are kept in full.
 * Counting per code lets a report say "12,004 rows rejected: 12,000 row.not_a_number, 4 …".
 */
export class DiagnosticCollector {
  readonly kept: Diagnostic[] = [];
  readonly countsByCode = new Map<string, number>();
  errors = 0;
  warnings = 0;
  constructor(readonly cap = 1000) {}
  add(d: Diagnostic): void {
    this.countsByCode.set(d.code, (this.countsByCode.get(d.code) ?? 0) + 1);
    if (d.severity === 'error') this.errors++;
    else if (d.severity === 'warning') this.warnings++;
    if (this.kept.length < this.cap) this.kept.push(d);
  }
  get total(): number {
    let n = 0;
    for (const c of this.countsByCode.values()) n += c;
    return n;
  }
  get truncated(): number {
    return this.total - this.kept.length;
  }
}
