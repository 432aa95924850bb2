import { localDaysSpan, periodOf, spanOf, spanWithin, type Period, type Span } from './period.ts';
import { DEFAULT_TIME_ZONE, SiteClock } from './zone.ts';

/**
 * The engine's view of time at one site for one calculation: its clock, what the module's
 * timestamps mark, and the one definition of a monitoring period (half-open instants) that the
 * period filter, the period read from the rows and the crediting-period check all use.
 */
export class SitePeriods {
  readonly zone: string;
  readonly clock: SiteClock;
  readonly marks: 'interval-start' | 'interval-end';
  /** The kind of time (local or with offset) of the first row: a file keeps one convention. */
  private firstKind: 'local' | 'offset' | undefined;

  /** The convention the file's first timestamp set (undefined before one was read). */
  get convention(): 'local' | 'offset' | undefined {
    return this.firstKind;
  }

  constructor(timeZone: string | undefined, marks: 'interval-start' | 'interval-end' | undefined) {
    this.zone = timeZone ?? DEFAULT_TIME_ZONE;
    this.clock = SiteClock.of(this.zone);
    this.marks = marks ?? 'interval-start';
  }

  /**
   * The instant of a row's time value (`local`: a wall time written as UTC, see columns.ts), or why
   * the row cannot be read: a local time that a DST change skips or repeats, or a file that mixes
   * times with and without offsets.
   */
  instantOf(value: number, local: boolean): number | string {
    const kind = local ? 'local' : 'offset';
    this.firstKind ??= kind;
    if (kind !== this.firstKind)
      return this.firstKind === 'offset'
        ? "has no time-zone offset, but the file's first rows have one: write every timestamp in one convention (all with offsets, or all local times of the site)"
        : `has a time-zone offset, but the file's first rows are local times of the site (${this.zone}): write every timestamp in one convention`;
    if (!local) return value;
    const t = this.clock.fromWall(value);
    if (t === 'ambiguous') return `${wallText(value)} happened twice in ${this.zone} (the clocks went back): add the offset to say which`;
    if (t === 'nonexistent') return `${wallText(value)} did not exist in ${this.zone} (the clocks went forward): check the logger's clock, or add the offset`;
    return t;
  }

  /** A declared period written on the site's clock (a legacy date-only period keeps its UTC days). */
  normalise(p: Period): Period {
    return periodOf(spanOf(p), p.timeZone ?? this.zone);
  }

  span(p: Period): Span {
    return spanOf(p);
  }

  periodOf(span: Span): Period {
    return periodOf(span, this.zone);
  }

  /** Does a declared period admit a reading stamped `t`? Start stamps in [start, end), end stamps in (start, end]. */
  admits(span: Span, t: number): boolean {
    return this.marks === 'interval-end' ? t > span.start && t <= span.end : t >= span.start && t < span.end;
  }

  /** Whole local days from the day of the first reading to the day of the last (an end stamp at 00:00 belongs to the day before). */
  daysSpan(first: number, last: number): Span {
    const shift = this.marks === 'interval-end' ? 1 : 0;
    return localDaysSpan(this.clock.dateOf(first - shift), this.clock.dateOf(last - shift), this.zone);
  }

  /** Local dates, both included, as a period on the site's clock (the crediting period of a registration). */
  localDays(days: { readonly start: string; readonly end: string }): Period {
    return periodOf(localDaysSpan(days.start, days.end, this.zone), this.zone);
  }

  /** Is `span` inside the local days `days` (both included)? */
  within(span: Span, days: { readonly start: string; readonly end: string }): boolean {
    return spanWithin(span, localDaysSpan(days.start, days.end, this.zone));
  }
}

const wallText = (wall: number) => new Date(wall).toISOString().slice(0, 19);
