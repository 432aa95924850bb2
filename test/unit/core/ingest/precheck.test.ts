import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { preCheckUpload } from '../../../../core/ingest/precheck.ts';
import { registry } from '../../../../methodologies/index.ts';

const solar = JSON.parse(readFileSync(new URL('../../../../samples/projects/solar-rajasthan-in.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const ccs = JSON.parse(readFileSync(new URL('../../../../samples/projects/ccs-saline-id.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const base = (over: Partial<Parameters<typeof preCheckUpload>[0]> = {}) =>
  preCheckUpload({ key: `uploads/${solar.id}/may.csv`, projectId: String(solar.id), fileName: 'may.csv', registration: solar, registry, ...over });

describe('core/ingest preCheckUpload (pure)', () => {
  it('passes a registered project whose upload declares its methodology, and says whether it is CCS', () => {
    const r = base({ declaredMethodology: String(solar.methodology) });
    expect(r).toMatchObject({ kind: 'pass', ccs: false, project: { id: solar.id } });
    const c = preCheckUpload({ key: `uploads/${ccs.id}/q1.csv`, projectId: String(ccs.id), fileName: 'q1.csv', registration: ccs, registry });
    expect(c).toMatchObject({ kind: 'pass', ccs: true });
  });

  it('a folder that is not a project id, and an unregistered project: rejected, not a submission of any project', () => {
    expect(base({ projectId: 'Not_An_Id', key: 'uploads/Not_An_Id/may.csv', registration: undefined })).toMatchObject({
      kind: 'reject',
      registered: false,
      diagnostic: { code: 'project.invalid', location: { file: 'may.csv' }, message: expect.stringContaining('is not a project id') },
    });
    expect(base({ registration: undefined })).toMatchObject({
      kind: 'reject',
      registered: false,
      diagnostic: { message: expect.stringContaining('is not registered') },
    });
  });

  it('an invalid stored registration names the fields', () => {
    const r = base({ registration: { ...solar, hostCountry: 7 } });
    expect(r).toMatchObject({ kind: 'reject', registered: false, diagnostic: { message: expect.stringContaining('hostCountry') } });
  });

  it('another declared methodology: rejected as a submission of the registered project, with actual and expected', () => {
    expect(base({ declaredMethodology: 'landfill-gas@1.0.0' })).toMatchObject({
      kind: 'reject',
      registered: true,
      diagnostic: { code: 'project.methodology_mismatch', actual: '"landfill-gas@1.0.0"', expected: solar.methodology },
    });
  });

  it('a registration the methodology refuses (unknown version) is rejected on one line, as a submission of the project', () => {
    const r = base({ registration: { ...solar, methodology: 'grid-renewable@9.9.9' } });
    expect(r.kind).toBe('reject');
    if (r.kind !== 'reject') return;
    expect(r.registered).toBe(true);
    expect(r.diagnostic.message).toContain('9.9.9');
    expect(r.diagnostic.message).not.toContain('\n');
  });
});
