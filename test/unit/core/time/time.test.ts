import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findOverlap } from '../../../../core/ledger/periods.ts';
import { selectGwpPolicy } from '../../../../core/mechanisms/mechanisms.ts';
import {
  formatPeriod,
  isLegacyPeriod,
  localDays,
  parseInstant,
  parsePeriodText,
  periodDays,
  periodsOverlap,
  spanOf,
  StoredPeriodSchema,
} from '../../../../core/time/period.ts';
import { isTimeZone, SiteClock } from '../../../../core/time/zone.ts';

const wall = (iso: string) => Date.parse(`${iso}Z`);

describe('SiteClock', () => {
  it('writes instants on the site clock with the offset', () => {
    expect(SiteClock.of('Asia/Kolkata').format(Date.parse('2018-12-31T18:30:00Z'))).toBe('2019-01-01T00:00:00+05:30');
    expect(SiteClock.of('America/Sao_Paulo').format(Date.parse('2015-03-01T03:00:00Z'))).toBe('2015-03-01T00:00:00-03:00');
    expect(SiteClock.of('UTC').format(Date.parse('1969-07-20T20:17:40Z'))).toBe('1969-07-20T20:17:40+00:00');
  });

  it('reads local times in the zone, before 1970 too', () => {
    expect(SiteClock.of('Asia/Kolkata').fromWall(wall('2019-01-01T00:00:00'))).toBe(Date.parse('2018-12-31T18:30:00Z'));
    expect(SiteClock.of('America/New_York').fromWall(wall('1965-07-01T12:00:00'))).toBe(Date.parse('1965-07-01T16:00:00Z'));
  });

  it('refuses local times skipped or repeated by a DST change, and never guesses', () => {
    const berlin = SiteClock.of('Europe/Berlin');
    expect(berlin.fromWall(wall('2024-03-31T02:30:00'))).toBe('nonexistent');
    expect(berlin.fromWall(wall('2024-10-27T02:30:00'))).toBe('ambiguous');
    expect(berlin.fromWall(wall('2024-10-27T03:30:00'))).toBe(Date.parse('2024-10-27T02:30:00Z'));
    expect(berlin.fromWall(wall('2024-10-27T01:59:59'))).toBe(Date.parse('2024-10-26T23:59:59Z'));
    // Brazil's summer time started at midnight: 2018-11-04 00:00 did not exist in São Paulo; that day began at 01:00.
    const sp = SiteClock.of('America/Sao_Paulo');
    expect(sp.fromWall(wall('2018-11-04T00:30:00'))).toBe('nonexistent');
    expect(sp.format(sp.startOfDate('2018-11-04'))).toBe('2018-11-04T01:00:00-02:00');
    // …and ended at midnight: 23:00–24:00 on 16 February 2019 happened twice; the day starts at its first occurrence.
    expect(sp.fromWall(wall('2019-02-16T23:30:00'))).toBe('ambiguous');
  });

  it('round-trips every instant through its wall time, unless the wall time is repeated', () => {
    for (const zone of ['Europe/Berlin', 'America/Sao_Paulo', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/St_Johns']) {
      const clock = SiteClock.of(zone);
      fc.assert(
        fc.property(fc.integer({ min: Date.parse('1940-01-01T00:00:00Z') / 60_000, max: Date.parse('2060-01-01T00:00:00Z') / 60_000 }), (minute) => {
          const t = minute * 60_000;
          const back = clock.fromWall(clock.wallOf(t));
          if (back === 'ambiguous') {
            // Then another instant within 3 hours has the same wall time.
            return [-3, -2, -1, -0.5, 0.5, 1, 2, 3].some((h) => clock.wallOf(t + h * 3_600_000) === clock.wallOf(t));
          }
          return back === t;
        }),
        { numRuns: 300 },
      );
    }
  });

  it('knows IANA names and refuses others', () => {
    expect(isTimeZone('Asia/Kolkata')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Asia/Kolkatta')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(() => SiteClock.of('Mars/Olympus')).toThrow(RangeError);
  });
});

describe('SiteClock.dayNumberOf (the cached local day of the off-grid check)', () => {
  it('agrees with the local date for any instant, in zones with and without summer time, in any order', () => {
    const zones = ['UTC', 'Asia/Kolkata', 'Europe/Berlin', 'America/Sao_Paulo', 'Pacific/Chatham', 'Australia/Lord_Howe'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.array(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }), { minLength: 1, maxLength: 20 }),
        (zone, ts) => {
          const clock = SiteClock.of(zone);
          for (const t of ts) expect(clock.dayNumberOf(t)).toBe(Date.parse(`${clock.dateOf(t)}T00:00:00Z`) / 86_400_000);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is right on both sides of a change of offset on the same UTC day', () => {
    const berlin = SiteClock.of('Europe/Berlin');
    // 31 March 2024: 01:59:59Z is 03:59:59 CEST; 22:30Z on 30 March is 23:30 CET; 22:30Z on 31 March is 00:30 on 1 April CEST.
    for (const iso of ['2024-03-30T22:30:00Z', '2024-03-31T00:59:59Z', '2024-03-31T01:00:00Z', '2024-03-31T21:59:59Z', '2024-03-31T22:00:00Z'])
      expect(berlin.dayNumberOf(Date.parse(iso))).toBe(Date.parse(`${berlin.dateOf(Date.parse(iso))}T00:00:00Z`) / 86_400_000);
  });
});

describe('Period: half-open instants in the site zone', () => {
  it('local days mean [first 00:00, day after last 00:00) on the site clock', () => {
    expect(localDays('2015-03-01', '2015-03-03', 'America/Sao_Paulo')).toEqual({
      start: '2015-03-01T00:00:00-03:00',
      end: '2015-03-04T00:00:00-03:00',
      timeZone: 'America/Sao_Paulo',
    });
    const jan = localDays('2019-01-01', '2019-01-31', 'Asia/Kolkata');
    expect(jan).toEqual({ start: '2019-01-01T00:00:00+05:30', end: '2019-02-01T00:00:00+05:30', timeZone: 'Asia/Kolkata' });
    expect(periodDays(jan)).toBe(31);
  });

  it('consecutive periods tile: no overlap, no gap; sharing one instant is an overlap', () => {
    const z = 'America/Sao_Paulo';
    const a = localDays('2015-03-01', '2015-03-03', z);
    const b = localDays('2015-03-04', '2015-03-06', z);
    expect(periodsOverlap(a, b)).toBe(false);
    expect(spanOf(a).end).toBe(spanOf(b).start);
    expect(periodsOverlap(a, localDays('2015-03-03', '2015-03-05', z))).toBe(true);
    expect(findOverlap([a], { start: '2015-03-03T23:00:00-03:00', end: '2015-03-05T00:00:00-03:00' })).toEqual(a);
  });

  it('reads legacy periods (dates, both days included, UTC) as they were meant', () => {
    const old = { start: '2019-01-01', end: '2019-02-01' };
    expect(isLegacyPeriod(old)).toBe(true);
    expect(spanOf(old)).toEqual({ start: Date.parse('2019-01-01T00:00:00Z'), end: Date.parse('2019-02-02T00:00:00Z') });
    expect(periodDays(old)).toBe(32);
    expect(periodsOverlap(old, localDays('2019-02-01', '2019-02-28', 'UTC'))).toBe(true);
    expect(periodsOverlap(old, localDays('2019-02-02', '2019-02-28', 'UTC'))).toBe(false);
    expect(formatPeriod(old)).toContain('first and last included');
  });

  it('parses --period text: local dates or instants with offsets', () => {
    expect(parsePeriodText('2015-03-01/2015-03-03', 'America/Sao_Paulo')).toEqual(localDays('2015-03-01', '2015-03-03', 'America/Sao_Paulo'));
    expect(parsePeriodText('2019-01-01T00:00+05:30/2019-01-02T00:00:00Z', 'Asia/Kolkata')).toEqual({
      start: '2019-01-01T00:00:00+05:30',
      end: '2019-01-02T05:30:00+05:30',
      timeZone: 'Asia/Kolkata',
    });
    expect(parsePeriodText('2015-03-03/2015-03-01', 'UTC')).toHaveProperty('problem');
    expect(parsePeriodText('2015-02-30/2015-03-01', 'UTC')).toHaveProperty('problem');
    expect(parsePeriodText('2015-03-01T00:00/2015-03-02T00:00', 'UTC')).toHaveProperty('problem');
  });

  it('parses instants strictly', () => {
    expect(parseInstant('2019-01-01T00:00:00+05:30')).toBe(Date.parse('2018-12-31T18:30:00Z'));
    expect(parseInstant('1900-01-01T00:00:00+05:53:28')).toBe(Date.parse('1900-01-01T00:00:00Z') - (5 * 3600 + 53 * 60 + 28) * 1000);
    expect(parseInstant('2023-02-30T00:00:00Z')).toBeNaN();
    expect(parseInstant('2023-02-03T24:00:00Z')).toBeNaN();
    expect(parseInstant('2023-02-03T10:00:00')).toBeNaN();
  });

  it('validates stored periods of both forms', () => {
    expect(StoredPeriodSchema.safeParse({ start: '2019-01-01', end: '2019-01-31' }).success).toBe(true);
    expect(StoredPeriodSchema.safeParse(localDays('2019-01-01', '2019-01-31', 'Asia/Kolkata')).success).toBe(true);
    expect(StoredPeriodSchema.safeParse({ start: '2019-02-01T00:00:00Z', end: '2019-02-01T00:00:00Z' }).success).toBe(false);
    expect(StoredPeriodSchema.safeParse({ start: '2019-01-01T00:00:00', end: '2019-02-01T00:00:00' }).success).toBe(false);
  });
});

describe('GWP-period boundaries on the site clock', () => {
  it('a period ending at 2013-01-01 00:00 local lies in the first commitment period; one instant later straddles', () => {
    const z = 'Asia/Kolkata';
    expect(selectGwpPolicy('CDM', localDays('2012-12-01', '2012-12-31', z)).default).toEqual({ set: 'SAR' });
    expect(selectGwpPolicy('CDM', localDays('2013-01-01', '2013-01-31', z)).default).toEqual({ set: 'AR4' });
    expect(() => selectGwpPolicy('CDM', { start: '2012-12-31T00:00:00+05:30', end: '2013-01-01T00:00:01+05:30', timeZone: z })).toThrow(/spans the end/);
    expect(selectGwpPolicy('JCM', localDays('2020-12-01', '2020-12-31', 'America/Sao_Paulo')).default).toEqual({ set: 'AR4' });
    expect(selectGwpPolicy('JCM', localDays('2021-01-01', '2021-01-31', 'America/Sao_Paulo')).default).toEqual({ set: 'AR5' });
    // Legacy periods keep their old meaning.
    expect(selectGwpPolicy('CDM', { start: '2012-01-01', end: '2012-12-31' }).default).toEqual({ set: 'SAR' });
  });
});
