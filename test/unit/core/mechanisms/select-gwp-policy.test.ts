import { describe, expect, it } from 'vitest';
import { commitmentPeriodOf, selectGwpPolicy } from '../../../../core/mechanisms/mechanisms.ts';
import { gwpPolicyLabel, resolveGwpUnderPolicy } from '../../../../core/gases/gwp.ts';
import { ConfigError } from '../../../../core/errors.ts';

const p = (start: string, end: string) => ({ start, end });
const label = (...a: Parameters<typeof selectGwpPolicy>) => gwpPolicyLabel(selectGwpPolicy(...a));

describe('selectGwpPolicy', () => {
  it('uses SAR for CDM and JI in the first commitment period (decision 2/CP.3)', () => {
    expect(label('CDM', p('2010-01-01', '2010-12-31'))).toBe('SAR');
    expect(selectGwpPolicy('JI', p('2012-01-01', '2012-12-31')).reason).toMatch(/2\/CP\.3/);
  });
  it('uses AR4 for CDM and JI in the second commitment period (decision 4/CMP.7)', () => {
    expect(selectGwpPolicy('CDM', p('2013-01-01', '2013-12-31'))).toMatchObject({ default: { set: 'AR4' }, reason: expect.stringMatching(/4\/CMP\.7/) });
    expect(label('JI', p('2020-06-01', '2020-12-31'))).toBe('AR4');
  });
  // CDM EB 108 temporary measures, https://cdm.unfccc.int/Reference/CDM_note.html: for reductions
  // achieved on or after 1 January 2021, the lowest 100-year GWP per gas among the IPCC reports.
  it('uses the lowest GWP per gas among SAR, AR4 and AR5 for CDM reductions from 1 January 2021 (EB 108)', () => {
    const policy = selectGwpPolicy('CDM', p('2021-01-01', '2021-06-30'));
    expect(policy).toMatchObject({
      default: { lowestOf: ['SAR', 'AR4', 'AR5'] },
      reason: expect.stringMatching(/108th meeting.*CDM_note/),
      confidence: 'confirmed',
    });
    // The values of the EB's table of lowest values (CDM_note.html).
    const expected: Record<string, [string, string]> = {
      CH4: ['21', 'SAR'],
      N2O: ['265', 'AR5'],
      SF6: ['22800', 'AR4'],
      NF3: ['16100', 'AR5'],
      'HFC-23': ['11700', 'SAR'],
      CF4: ['6500', 'SAR'],
      C2F6: ['9200', 'SAR'],
    };
    for (const [gas, [value, set]] of Object.entries(expected)) expect(resolveGwpUnderPolicy(gas, policy), gas).toMatchObject({ value, set });
  });
  it('takes the lowest among the sets that assess a gas, and says so (NF3 is not in SAR)', () => {
    const nf3 = resolveGwpUnderPolicy('NF3', selectGwpPolicy('CDM', p('2022-01-01', '2022-12-31')));
    expect(nf3.rule).toMatch(/AR4 17200, AR5 16100 → AR5; NF3 is not assessed in SAR/);
  });
  it('refuses a JI period after 2020, even with a pinned set: JI has no crediting after the second commitment period', () => {
    expect(() => selectGwpPolicy('JI', p('2021-01-01', '2021-12-31'))).toThrow(/JI has no crediting after 2020-12-31/);
    expect(() => selectGwpPolicy('JI', p('2020-06-01', '2021-05-31'), { set: 'AR4' })).toThrow(ConfigError);
  });
  it('uses AR5 for Article 6.4 and JCM after 2020, AR4 for JCM up to 2020, all marked unverified', () => {
    expect(selectGwpPolicy('A6.4', p('2024-01-01', '2024-12-31'))).toMatchObject({
      default: { set: 'AR5' },
      reason: expect.stringMatching(/18\/CMA\.1/),
      confidence: 'unverified',
    });
    expect(selectGwpPolicy('JCM', p('2023-01-01', '2023-12-31'))).toMatchObject({ default: { set: 'AR5' }, confidence: 'unverified' });
    expect(selectGwpPolicy('JCM', p('2017-01-01', '2017-12-31'))).toMatchObject({ default: { set: 'AR4' }, confidence: 'unverified' });
  });
  it('lets a registration pin a set or a per-gas policy and records that it was pinned', () => {
    expect(selectGwpPolicy('CDM', p('2010-01-01', '2010-12-31'), { set: 'AR6' })).toMatchObject({
      default: { set: 'AR6' },
      reason: expect.stringMatching(/pinned/),
    });
    const perGas = selectGwpPolicy('A6.4', p('2024-01-01', '2024-12-31'), {
      policy: { default: { set: 'AR5' }, perGas: { CH4: { lowestOf: ['AR4', 'AR5'] } }, source: 'host country letter' },
    });
    expect(resolveGwpUnderPolicy('CH4', perGas)).toMatchObject({ value: '25', set: 'AR4' });
    expect(resolveGwpUnderPolicy('N2O', perGas)).toMatchObject({ value: '265', set: 'AR5' });
    expect(gwpPolicyLabel(perGas)).toBe('AR5 (per gas: CH4 lowest of AR4, AR5)');
  });
  it('refuses a period that spans a commitment-period boundary and says where to split', () => {
    expect(() => selectGwpPolicy('CDM', p('2012-06-01', '2013-05-31'))).toThrow(ConfigError);
    expect(() => selectGwpPolicy('CDM', p('2020-06-01', '2021-05-31'))).toThrow(/Split the upload .* 2020-12-31/);
  });
});

describe('commitmentPeriodOf', () => {
  it('names the Kyoto commitment period of a period and refuses one that spans a boundary', () => {
    expect(commitmentPeriodOf(p('2012-01-01', '2012-12-31'))).toBe('CP1');
    expect(commitmentPeriodOf(p('2013-01-01', '2013-01-31'))).toBe('CP2');
    expect(commitmentPeriodOf(p('2021-01-01', '2021-01-31'))).toBe('post-2020');
    expect(() => commitmentPeriodOf(p('2012-12-01', '2013-01-31'))).toThrow(/2012-12-31/);
  });
});
