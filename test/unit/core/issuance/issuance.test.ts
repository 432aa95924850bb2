import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../core/errors.ts';
import { cancelFromReserve, computeIssuance } from '../../../../core/issuance/issuance.ts';

const units = (r: ReturnType<typeof computeIssuance>, purpose: string) => r.deductions.find((d) => d.purpose === purpose)?.units;

const CP2 = { start: '2014-01-01', end: '2014-12-31' };

describe('computeIssuance', () => {
  it('CCS-CDM (domain.md §6.7): 900,000 → SOP-AF 18,000, CCS reserve 45,000, participants 837,000', () => {
    const r = computeIssuance({ mechanism: 'CDM', er: '900000', ldc: false, ccs: true });
    expect(r.units).toBe('900000');
    expect(units(r, 'share-of-proceeds')).toBe('18000');
    expect(units(r, 'ccs-reserve')).toBe('45000');
    expect(r.toParticipants).toBe('837000');
    for (const d of r.deductions) expect(d.source).toMatch(/decision \d+\/(CP|CMP)\.\d+/);
  });

  it('Article 6.4 (domain.md §6.10): 100,000 → SOP 5,000 + OMGE 2,000 → 93,000', () => {
    const r = computeIssuance({ mechanism: 'A6.4', er: '100000', ldc: false, ccs: false });
    expect(r.deductions.map((d) => [d.purpose, d.units, d.rate])).toEqual([
      ['share-of-proceeds', '5000', '0.05'],
      ['omge-cancellation', '2000', '0.02'],
    ]);
    expect(r.toParticipants).toBe('93000');
    expect(r.deductions.every((d) => d.source.includes('3/CMA.3'))).toBe(true);
  });

  it('Vaayu Wind (CDM 4930): 111,949 t → SOP 2,239 (2,238.98 rounded up) → 109,710 to participants', () => {
    const r = computeIssuance({ mechanism: 'CDM', er: '111949', ldc: false, ccs: false });
    expect(units(r, 'share-of-proceeds')).toBe('2239');
    expect(r.deductions[0]).toMatchObject({ rounding: 'ceil', account: 'Adaptation Fund (SOP-AF)', source: expect.stringContaining('17/CP.7') });
    expect(r.toParticipants).toBe('109710');
  });

  it('rounds the ER down to whole units first', () => {
    expect(computeIssuance({ mechanism: 'CDM', er: '111949.999', ldc: false, ccs: false }).units).toBe('111949');
  });

  it('LDC host: no CDM share of proceeds (17/CP.7 para 15(b)); the CCS reserve still applies', () => {
    expect(computeIssuance({ mechanism: 'CDM', er: '744.744484', ldc: true, ccs: false })).toMatchObject({
      units: '744',
      deductions: [],
      toParticipants: '744',
    });
    const ccs = computeIssuance({ mechanism: 'CDM', er: '900000', ldc: true, ccs: true });
    expect(ccs.deductions.map((d) => d.purpose)).toEqual(['ccs-reserve']);
    expect(ccs.toParticipants).toBe('855000');
  });

  // Decision 1/CMP.8 para 21 extends the 2 % share of proceeds to ERUs issued for the SECOND
  // commitment period only: ERUs of the first commitment period (2008–2012) carry none.
  it('JI: 2 % share of proceeds on second-commitment-period ERUs (1/CMP.8 para 21), configurable', () => {
    expect(computeIssuance({ mechanism: 'JI', period: CP2, er: '1000', ldc: false, ccs: false })).toMatchObject({
      deductions: [{ units: '20', source: expect.stringContaining('1/CMP.8') }],
      toParticipants: '980',
    });
    const none = computeIssuance({
      mechanism: 'JI',
      period: CP2,
      er: '1000',
      ldc: false,
      ccs: false,
      rates: { jiShareOfProceeds: { rate: '0', account: 'none', source: 'override' } },
    });
    expect(none.toParticipants).toBe('1000');
  });

  it('JCM: allocation shares rounded down, remainder to participants', () => {
    const r = computeIssuance({
      mechanism: 'JCM',
      er: '2665.9',
      ldc: false,
      ccs: false,
      jcmAllocation: [
        { account: 'Government of Japan', share: 0.5 },
        { account: 'Host government', share: 0.1 },
      ],
    });
    expect(r.units).toBe('2665');
    expect(r.deductions.map((d) => [d.account, d.units, d.rounding])).toEqual([
      ['Government of Japan', '1332', 'floor'],
      ['Host government', '266', 'floor'],
    ]);
    expect(r.toParticipants).toBe('1067');
    expect(() =>
      computeIssuance({
        mechanism: 'JCM',
        er: '10',
        ldc: false,
        ccs: false,
        jcmAllocation: [
          { account: 'a', share: 0.7 },
          { account: 'b', share: 0.4 },
        ],
      }),
    ).toThrow(ConfigError);
  });

  it('JI: a first-commitment-period issuance has no share of proceeds', () => {
    expect(computeIssuance({ mechanism: 'JI', period: { start: '2011-01-01', end: '2011-12-31' }, er: '1000', ldc: false, ccs: false })).toMatchObject({
      units: '1000',
      deductions: [],
      toParticipants: '1000',
    });
  });

  it('JI: issuance must know the period; a period after 2020 or across 31 December 2012 is refused', () => {
    expect(() => computeIssuance({ mechanism: 'JI', er: '1000', ldc: false, ccs: false })).toThrow(/needs the monitoring period/);
    expect(() => computeIssuance({ mechanism: 'JI', period: { start: '2021-01-01', end: '2021-12-31' }, er: '1000', ldc: false, ccs: false })).toThrow(
      /no crediting after 2020/,
    );
    expect(() => computeIssuance({ mechanism: 'JI', period: { start: '2012-07-01', end: '2013-06-30' }, er: '1000', ldc: false, ccs: false })).toThrow(
      ConfigError,
    );
  });

  it('negative ER issues nothing', () => {
    expect(computeIssuance({ mechanism: 'A6.4', er: '-5.5', ldc: false, ccs: false })).toMatchObject({ units: '0', toParticipants: '0' });
  });

  it('property: units = Σ deductions + participants, all whole and non-negative', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('CDM', 'JI', 'A6.4', 'JCM' as const),
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.boolean(),
        fc.boolean(),
        (mechanism, cents, ldc, ccs) => {
          const r = computeIssuance({ mechanism, period: CP2, er: (cents / 100).toFixed(2), ldc, ccs, jcmAllocation: [{ account: 'GoJ', share: 0.5 }] });
          const sum = r.deductions.reduce((s, d) => s + BigInt(d.units), 0n) + BigInt(r.toParticipants);
          expect(sum).toBe(BigInt(r.units));
          expect(BigInt(r.toParticipants) >= 0n).toBe(true);
          expect(BigInt(r.units)).toBe(BigInt(Math.floor(cents / 100)));
        },
      ),
    );
  });
});

describe('cancelFromReserve (CCS seepage, domain.md §4.2)', () => {
  it('§6.7: reversal 30,000 against a 45,000 reserve → all from the reserve, 15,000 left', () => {
    expect(cancelFromReserve('45000', '30000')).toEqual({ fromReserve: '30000', reserveRemaining: '15000', owedByParticipants: '0' });
  });
  it('a reversal larger than the reserve: the shortfall is owed by the participants', () => {
    expect(cancelFromReserve(45000, 50000.2)).toEqual({ fromReserve: '45000', reserveRemaining: '0', owedByParticipants: '5001' });
  });
});
