/**
 * Time as the site means it: conversions between instants (epoch milliseconds) and the wall-clock
 * time of a site's IANA time zone, on the tz database Node ships with its full ICU (no library: the
 * engine needs a cached, allocation-free "wall time → instant" on its hot path, with DST-ambiguous
 * and non-existent local times *refused*, which no Intl API and no small library offers directly).
 *
 * A "wall" value is the local date and time written as if it were UTC: `Date.UTC(2019, 0, 1)` is
 * 1 January 2019 00:00 on the site's clock, whatever its zone.
 */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The zone a registration without one is read in (with a warning): UTC, as before time zones were declared. */
export const DEFAULT_TIME_ZONE = 'UTC';

/** True when `name` is an IANA time-zone name this runtime knows (e.g. `Asia/Kolkata`, `UTC`). */
export function isTimeZone(name: string): boolean {
  if (typeof name !== 'string' || name === '' || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** How a local (offset-less) time maps to instants. */
export type LocalResolution = number | 'ambiguous' | 'nonexistent';

const clocks = new Map<string, SiteClock>();

/**
 * The clock of one site: its zone's offset at any instant, local times to instants and back.
 *
 * @example
 * const clock = SiteClock.of('Asia/Kolkata');
 * clock.format(Date.UTC(2018, 11, 31, 18, 30)) // '2019-01-01T00:00:00+05:30'
 * clock.fromWall(Date.UTC(2019, 0, 1))          // 1546281000000 (2018-12-31T18:30:00Z)
 */
export class SiteClock {
  private readonly dtf: Intl.DateTimeFormat | undefined;
  /** Cache of the last wall day without an offset change within a day and a half of it. */
  private cachedDay = NaN;
  private cachedOffset = 0;
  /** Cache of the last UTC day checked for {@link dayNumberOf}: its offset, or NaN when it changes near that day. */
  private stableUtcDay = NaN;
  private stableOffset = NaN;

  private constructor(readonly zone: string) {
    this.dtf =
      zone === 'UTC' || zone === 'Etc/UTC'
        ? undefined
        : new Intl.DateTimeFormat('en-US', {
            timeZone: zone,
            hourCycle: 'h23',
            era: 'short',
            year: 'numeric',
            month: 'numeric',
            day: 'numeric',
            hour: 'numeric',
            minute: 'numeric',
            second: 'numeric',
          });
  }

  /** The clock of an IANA zone (one instance per zone). Throws RangeError for an unknown zone. */
  static of(zone: string): SiteClock {
    let c = clocks.get(zone);
    if (!c) {
      if (!isTimeZone(zone)) throw new RangeError(`Unknown time zone "${zone}"`);
      c = new SiteClock(zone);
      clocks.set(zone, c);
    }
    return c;
  }

  /** The zone's offset from UTC at instant `t`, in milliseconds (+05:30 → 19 800 000). */
  offsetAt(t: number): number {
    if (!this.dtf) return 0;
    const whole = Math.floor(t / 1000) * 1000;
    let y = 0;
    let mo = 0;
    let d = 0;
    let h = 0;
    let mi = 0;
    let s = 0;
    let bc = false;
    for (const p of this.dtf.formatToParts(whole)) {
      switch (p.type) {
        case 'year':
          y = Number(p.value);
          break;
        case 'month':
          mo = Number(p.value);
          break;
        case 'day':
          d = Number(p.value);
          break;
        case 'hour':
          h = Number(p.value);
          break;
        case 'minute':
          mi = Number(p.value);
          break;
        case 'second':
          s = Number(p.value);
          break;
        case 'era':
          bc = p.value === 'BC' || p.value === 'B';
          break;
        default:
      }
    }
    const wall = new Date(0);
    wall.setUTCFullYear(bc ? 1 - y : y, mo - 1, d);
    wall.setUTCHours(h, mi, s, 0);
    return wall.getTime() - whole;
  }

  /** The wall time at instant `t` (see the module comment). */
  wallOf(t: number): number {
    return t + this.offsetAt(t);
  }

  /**
   * The instant a local time denotes, or why there is none: `nonexistent` (skipped by a change to
   * summer time) or `ambiguous` (repeated when the clocks go back). Never guesses.
   */
  fromWall(wall: number): LocalResolution {
    if (!this.dtf) return wall;
    const day = Math.floor(wall / DAY_MS);
    if (day === this.cachedDay) return wall - this.cachedOffset;
    // The offsets a day and a half either side of the local day: equal means no change near it
    // (a zone changes its offset at most twice a year; two changes within three days do not occur).
    const before = this.offsetAt(day * DAY_MS - 36 * HOUR_MS);
    const after = this.offsetAt((day + 1) * DAY_MS + 36 * HOUR_MS);
    if (before === after && this.offsetAt(wall - before) === before) {
      this.cachedDay = day;
      this.cachedOffset = before;
      return wall - before;
    }
    const fits = [...new Set([before, after, this.offsetAt(wall - before), this.offsetAt(wall - after)])].filter((o) => this.offsetAt(wall - o) === o);
    if (fits.length === 0) return 'nonexistent';
    if (fits.length > 1) return 'ambiguous';
    return wall - fits[0]!;
  }

  /**
   * The instant of a local time used as a *boundary* (midnight starting a day or month): a skipped
   * time moves forward to the first instant after the change (where the local day really starts), a
   * repeated one takes its first occurrence.
   */
  boundary(wall: number): number {
    const r = this.fromWall(wall);
    if (typeof r === 'number') return r;
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    return r === 'nonexistent' ? wall - Math.min(before, after) : wall - Math.max(before, after);
  }

  /** The instant local date `YYYY-MM-DD` starts (00:00 on the site's clock). */
  startOfDate(date: string): number {
    return this.boundary(Date.parse(`${date}T00:00:00Z`));
  }

  /**
   * The local day of instant `t` as a day number (days since 1970-01-01 on the site's clock): equal for
   * two instants on the same local date. Cheap on the hot path: the offset is looked up once per UTC
   * day without an offset change within a day and a half of it (as {@link fromWall} assumes).
   */
  dayNumberOf(t: number): number {
    if (!this.dtf) return Math.floor(t / DAY_MS);
    const day = Math.floor(t / DAY_MS);
    if (day !== this.stableUtcDay) {
      const before = this.offsetAt(day * DAY_MS - 36 * HOUR_MS);
      this.stableUtcDay = day;
      this.stableOffset = before === this.offsetAt((day + 1) * DAY_MS + 36 * HOUR_MS) ? before : NaN;
    }
    const offset = Number.isNaN(this.stableOffset) ? this.offsetAt(t) : this.stableOffset;
    return Math.floor((t + offset) / DAY_MS);
  }

  /** The local date (`YYYY-MM-DD`) of instant `t`. */
  dateOf(t: number): string {
    return isoWall(this.wallOf(t)).slice(0, 10);
  }

  /** ISO 8601 with the site's offset: `2019-01-01T00:00:00+05:30`. */
  format(t: number): string {
    const offset = this.offsetAt(t);
    return `${isoWall(t + offset)}${formatOffset(offset)}`;
  }
}

/** `YYYY-MM-DDTHH:MM:SS` of a wall value (years outside 0000–9999 with their sign, as ISO 8601 extends them). */
function isoWall(wall: number): string {
  const iso = new Date(Math.floor(wall / 1000) * 1000).toISOString();
  return iso.slice(0, iso.indexOf('.'));
}

/** `+05:30`, `-03:00`, `+00:00` (seconds kept where a historical offset has them). */
export function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const total = Math.round(Math.abs(offsetMs) / 1000);
  const hh = String(Math.floor(total / 3600)).padStart(2, '0');
  const mm = String(Math.floor((total % 3600) / 60)).padStart(2, '0');
  const ss = total % 60;
  return `${sign}${hh}:${mm}${ss ? `:${String(ss).padStart(2, '0')}` : ''}`;
}
