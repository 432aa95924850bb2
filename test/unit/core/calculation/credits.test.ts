import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { creditExpiry } from '../../../../core/calculation/credits.ts';
import { calculate } from '../../../../core/calculation/calculate.ts';
import { ProjectSchema } from '../../../../core/project/project.ts';
import { registry } from '../../../../methodologies/index.ts';

const cp = { start: '2008-01-01', end: '2037-12-31' };

describe('credit expiry (decision 5/CMP.1 annex)', () => {
  it('a tCER issued in the first commitment period expires at the end of the second', () => {
    expect(creditExpiry('tCER', { start: '2010-01-01', end: '2011-06-30' }, cp)).toMatchObject({
      expires: '2020-12-31',
      rule: expect.stringMatching(/para 1\(g\).*first commitment period.*second/),
    });
  });
  it('a tCER issued in the second commitment period has no defined expiry, and says why', () => {
    const e = creditExpiry('tCER', { start: '2018-01-01', end: '2018-06-30' }, cp);
    expect(e.expires).toBeUndefined();
    expect(e.rule).toMatch(/no later Kyoto commitment period is defined/);
  });
  it('an lCER expires at the end of the crediting period; CERs do not expire', () => {
    expect(creditExpiry('lCER', { start: '2018-01-01', end: '2018-06-30' }, cp)).toMatchObject({ expires: '2037-12-31' });
    expect(creditExpiry('CER', { start: '2018-01-01', end: '2018-06-30' }, cp).expires).toBeUndefined();
  });
});

describe('issuable credits of an A/R project (ar-small-scale@1.0.0, domain.md §6.9)', () => {
  const folder = new URL('../../../../methodologies/ar-small-scale/1.0.0/fixtures/', import.meta.url);
  const base = JSON.parse(readFileSync(new URL('project.json', folder), 'utf8'));
  const csv = readFileSync(new URL('valid.csv', folder));
  async function* bytes() {
    yield csv;
  }
  const run = (parameters: object, extra: object = {}) =>
    calculate({
      source: bytes(),
      fileName: 'valid.csv',
      project: ProjectSchema.parse({ ...base, ...extra, parameters: { ...base.parameters, ...parameters } }),
      registry,
    });

  it('issues tCERs for the cumulative removals, with their type', async () => {
    const r = await run({});
    expect(r.status).toBe('accepted');
    expect(r.issuable).toMatchObject({ units: String(Math.floor(Number(r.totals!.ER))), creditType: 'tCER', expiryRule: expect.stringMatching(/tCER/) });
  });
  it('issues lCERs for the removals since the previous certification, expiring with the crediting period', async () => {
    const tcer = await run({});
    const lcer = await run({ credit_type: 'lCER', C_AR_t1: 5000 });
    expect(lcer.issuable).toMatchObject({ units: String(Number(tcer.issuable!.units) - 5000), creditType: 'lCER', expires: '2033-06-30' });
  });
});
