import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mrv } from '../helpers/cli.ts';

const fixtures = fileURLToPath(new URL('../../methodologies/grid-renewable/1.0.0/fixtures/', import.meta.url));
const project = join(fixtures, 'project.json');
const dir = mkdtempSync(join(tmpdir(), 'mrv-cli-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const header = 'timestamp,EG_export,EG_import,TEG,M_steam,FC_diesel';
const good = '2015-06-01T01:00:00Z,10,0.1,10.5,0,0';

describe('mrv calc', () => {
  it('accepts the valid fixture and prints BE/PE/LE/ER per gas and issuable units (exit 0)', async () => {
    const r = await mrv(['calc', '--project', project, join(fixtures, 'valid.csv')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ACCEPTED/);
    expect(r.out).toMatch(/ER = BE − PE − LE = 744\.744484 tCO2e/);
    expect(r.out).toMatch(/issuable units: 744/);
    expect(r.out).toMatch(/^\s+CO2\s+1\s+850\.13272/m);
  });

  it('warns on stderr that UTC is assumed when the registration declares no time zone, and not when it does (stdout stays the result)', async () => {
    const r = await mrv(['calc', '--json', '--project', project, join(fixtures, 'valid.csv')]);
    expect(r.err).toMatch(/^warning: Project fixture-hydro-reservoir declares no time zone, so UTC is assumed: timestamps without an offset, --period dates/m);
    expect(JSON.parse(r.out).status).toBe('accepted');
    const zoned = file('zoned.json', JSON.stringify({ ...JSON.parse(readFileSync(project, 'utf8')), timeZone: 'Asia/Kathmandu' }));
    const z = await mrv(['calc', '--project', zoned, join(fixtures, 'valid.csv')]);
    expect(z.code).toBe(0);
    expect(z.err).not.toMatch(/time zone/);
  });

  it('prints the full result as JSON with --json', async () => {
    const r = await mrv(['calc', '--json', '--project', project, join(fixtures, 'valid.csv')]);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({
      schemaVersion: 1,
      status: 'accepted',
      methodology: { id: 'grid-renewable', version: '1.0.0' },
      gwp: { set: 'AR4' },
      totals: { ER: '744.744484' },
      issuable: { units: '744' },
    });
    expect(json.methodology.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(json.trace.length).toBeGreaterThan(3);
  });

  it('a missing file is a usage error (exit 2) that names the file, without a stack trace', async () => {
    const r = await mrv(['calc', '--project', project, join(dir, 'nope.csv')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nope\.csv does not exist/);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
  });

  it('an empty file is rejected (exit 1) with file.empty', async () => {
    const r = await mrv(['calc', '--project', project, file('empty.csv', '')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/REJECTED/);
    expect(r.out).toMatch(/file\.empty/);
  });

  it('binary garbage is rejected (exit 1) with a report naming the problem', async () => {
    const r = await mrv(['calc', '--project', project, file('garbage.csv', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x01, 0x02, 0x9f, 0x00]))]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/file\.(unreadable|encoding)/);
  });

  it('a missing column is rejected (exit 1), naming the column and its unit', async () => {
    const r = await mrv(['calc', '--project', project, file('missing.csv', `timestamp,EG_export\n2015-06-01T01:00:00Z,10\n`)]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/header\.missing_column .*column EG_import: Column EG_import is missing/);
  });

  it('text in a number column is rejected (exit 1), naming row and column', async () => {
    const r = await mrv(['calc', '--project', project, file('text.csv', `${header}\n${good}\n2015-06-01T02:00:00Z,ten,0.1,10.5,0,0\n`)]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/row\.not_a_number .*text\.csv, row 2 \(line 3\), column EG_export: Row 2, column EG_export: "ten" is not a number/);
  });

  it('a negative meter reading is rejected (exit 1), naming row and column', async () => {
    const r = await mrv(['calc', '--project', project, file('negative.csv', `${header}\n${good}\n2015-06-01T02:00:00Z,-5,0.1,10.5,0,0\n`)]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/row\.below_minimum .*row 2 \(line 3\), column EG_export/);
  });

  it('an invalid project registration is a configuration error (exit 2) listing the problems', async () => {
    const bad = file('project.json', JSON.stringify({ id: 'X', mechanism: 'CDX' }));
    const r = await mrv(['calc', '--project', bad, join(fixtures, 'valid.csv')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not a valid project registration/);
    expect(r.err).toMatch(/mechanism/);
  });

  it('wrong usage exits 2 with the usage line', async () => {
    const r = await mrv(['calc', join(fixtures, 'valid.csv')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--project <project.json> is required\nUsage: mrv calc/);
    expect((await mrv(['calc', '--bogus'])).code).toBe(2);
    expect((await mrv(['frobnicate'])).code).toBe(2);
  });
});

describe('mrv gwp', () => {
  it('prints 17200 for NF3 under AR4', async () => {
    const r = await mrv(['gwp', 'NF3', '--set', 'AR4']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('17200\n');
    expect(r.err).toMatch(/4\/CMP\.7/);
  });
  it('refuses NF3 under SAR with a clear error (exit 2)', async () => {
    const r = await mrv(['gwp', 'NF3', '--set', 'SAR']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/NF3 has no global warming potential in IPCC SAR/);
  });
  it('lists all four sets for a gas', async () => {
    const r = await mrv(['gwp', 'CH4']);
    expect(r.out).toMatch(/SAR\s+21\n\s+AR4\s+25\n\s+AR5\s+28\n\s+AR6\s+27\.9/);
  });
});

describe('mrv methodologies and methodology show', () => {
  it('lists the registered modules with their source', async () => {
    const r = await mrv(['methodologies']);
    expect(r.out).toMatch(/grid-renewable@1\.0\.0 .*ACM0002/);
    expect(r.out).toMatch(/fgas-abatement@1\.0\.0/);
  });
  it('shows columns with units, parameters and equations', async () => {
    const r = await mrv(['methodology', 'show', 'grid-renewable@1.0.0']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/EG_export\s+number\s+MWh/);
    expect(r.out).toMatch(/NCV_diesel\s+= 43 GJ\/t/);
    expect(r.out).toMatch(/EG_PJ = EG_export - EG_import/);
  });
  it('refuses an unknown methodology with the registered ones listed (exit 2)', async () => {
    const r = await mrv(['methodology', 'show', 'nope@9.9.9']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nope@9\.9\.9 is not registered\. Registered: .*grid-renewable@1\.0\.0/);
  });
});

describe('mrv template', () => {
  it('writes a project.json and a monitoring file that mrv calc accepts', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mrv-template-'));
    const t = await mrv(['template', 'grid-renewable@1.0.0', '--out', out]);
    expect(t.code).toBe(0);
    const r = await mrv(['calc', '--project', join(out, 'grid-renewable.project.json'), join(out, 'grid-renewable.monitoring.csv')]);
    expect(r.out).toMatch(/ACCEPTED/);
    expect((await mrv(['template', 'grid-renewable@1.0.0', '--out', out])).code).toBe(2); // refuses to overwrite
  });
});
