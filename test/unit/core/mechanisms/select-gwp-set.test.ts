import { describe, expect, it } from 'vitest';
import { selectGwpSet } from '../../../../core/mechanisms/mechanisms.ts';
import { ConfigError } from '../../../../core/errors.ts';

const p = (start: string, end: string) => ({ start, end });

describe('selectGwpSet', () => {
  it('uses SAR for CDM and JI in the first commitment period', () => {
    expect(selectGwpSet('CDM', p('2010-01-01', '2010-12-31')).set).toBe('SAR');
    expect(selectGwpSet('JI', p('2012-01-01', '2012-12-31')).reason).toMatch(/2\/CP\.3/);
  });
  it('uses AR4 for CDM and JI in the second commitment period', () => {
    expect(selectGwpSet('CDM', p('2013-01-01', '2013-12-31'))).toMatchObject({ set: 'AR4', reason: expect.stringMatching(/4\/CMP\.7/) });
    expect(selectGwpSet('JI', p('2020-06-01', '2020-12-31')).set).toBe('AR4');
  });
  it('uses AR5 for Article 6.4 and for Paris-era CDM and JCM crediting', () => {
    expect(selectGwpSet('A6.4', p('2024-01-01', '2024-12-31'))).toMatchObject({ set: 'AR5', reason: expect.stringMatching(/18\/CMA\.1/) });
    expect(selectGwpSet('CDM', p('2021-01-01', '2021-06-30')).set).toBe('AR5');
    expect(selectGwpSet('JCM', p('2023-01-01', '2023-12-31')).set).toBe('AR5');
    expect(selectGwpSet('JCM', p('2017-01-01', '2017-12-31')).set).toBe('AR4');
  });
  it('lets a registration pin a set and records that it was pinned', () => {
    expect(selectGwpSet('CDM', p('2010-01-01', '2010-12-31'), 'AR6')).toMatchObject({ set: 'AR6', reason: expect.stringMatching(/pinned/) });
  });
  it('refuses a period that spans a commitment-period boundary and says where to split', () => {
    expect(() => selectGwpSet('CDM', p('2012-06-01', '2013-05-31'))).toThrow(ConfigError);
    expect(() => selectGwpSet('CDM', p('2020-06-01', '2021-05-31'))).toThrow(/Split the upload .* 2020-12-31/);
  });
});
