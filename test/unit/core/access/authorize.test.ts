import { describe, expect, it } from 'vitest';
import {
  authorize,
  DEFAULT_ACCESS_RULES,
  independentReview,
  principalFromJwtClaims,
  principalFromSqsSenderId,
  type Actor,
  type Principal,
} from '../../../../core/access/index.ts';
import { ALICE, ALICE_WEB, ANNA, ASSIGN_P1, BOB, registers, REGISTRAR, SITE } from './fixtures.ts';

const at = '2026-01-15T10:00:00Z';
const p = (id: string): Principal => ({ source: id.startsWith('cognito:') ? 'cognito' : 'iam', id });
const decide = (principal: string, projectId = 'p1', mechanism: 'CDM' | 'JCM' | 'JI' | 'A6.4' = 'CDM', reg = registers()) =>
  authorize(p(principal), 'decide', { projectId, mechanism }, reg, { at });

describe('principals come only from what authentication vouches for', () => {
  it('SQS SenderId: IAM user id or role session, verbatim; anything else is refused', () => {
    expect(principalFromSqsSenderId('AROAVERIFIERAEXAMPLE:alice')).toEqual({ source: 'iam', id: 'iam:AROAVERIFIERAEXAMPLE:alice' });
    expect(principalFromSqsSenderId('AIDASITEP1EXAMPLE').id).toBe('iam:AIDASITEP1EXAMPLE');
    for (const bad of [undefined, '', 'alice', 'AROA X', 'AROAVERIFIERAEXAMPLE:alice bob']) expect(() => principalFromSqsSenderId(bad)).toThrow(/SenderId/);
  });
  it('JWT claims: only from the expected user pool, with a sub', () => {
    const iss = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_ABC';
    expect(principalFromJwtClaims({ sub: '0f5e-alice', iss, token_use: 'access' }, iss)).toEqual({ source: 'cognito', id: 'cognito:0f5e-alice' });
    expect(() => principalFromJwtClaims({ sub: 'x', iss: 'https://evil.example', token_use: 'access' }, iss)).toThrow(/issuer/);
    expect(() => principalFromJwtClaims({ iss, token_use: 'access' }, iss)).toThrow(/sub/);
    expect(() => principalFromJwtClaims(undefined, iss)).toThrow(/not authenticated/);
  });
});

describe('authorize: decisions', () => {
  it('an active verifier of the assigned body may decide, from either of its principals', () => {
    for (const r of [ALICE, ALICE_WEB, ANNA]) expect(decide(r.principal)).toMatchObject({ allowed: true, actor: { role: 'verifier', body: 'DOE-A' } });
    expect(decide(ALICE.principal)).toEqual({
      allowed: true,
      actor: { principal: ALICE.principal, role: 'verifier', name: 'Alice Auditor', personId: 'alice', body: 'DOE-A', accreditationRef: 'E-0001' },
    });
  });
  it('a site may not decide, not even on its own project', () => {
    expect(decide(SITE.principal)).toMatchObject({ allowed: false, code: 'access.wrong_role', actor: { role: 'site', projectId: 'p1' } });
  });
  it('a registrar may not decide', () => {
    expect(decide(REGISTRAR.principal)).toMatchObject({ allowed: false, code: 'access.wrong_role' });
  });
  it('an unknown principal is refused', () => {
    expect(decide('iam:AIDAUNKNOWNEXAMPLE')).toMatchObject({ allowed: false, code: 'access.unknown_principal' });
    expect(decide('iam:AROAVERIFIERAEXAMPLE')).toMatchObject({ allowed: false, code: 'access.unknown_principal' }); // the role without alice's session
  });
  it('a verifier of a body not assigned to the project is refused', () => {
    expect(decide(BOB.principal)).toMatchObject({ allowed: false, code: 'access.body_not_assigned' });
    expect(decide(ALICE.principal, 'p2')).toMatchObject({ allowed: false, code: 'access.no_body_assigned' });
  });
  it('a verifier outside its validity dates, or suspended, is refused', () => {
    const expired = { ...ALICE, validTo: '2025-12-31' } as typeof ALICE;
    expect(decide(ALICE.principal, 'p1', 'CDM', registers([ASSIGN_P1], [expired]))).toMatchObject({ allowed: false, code: 'access.verifier_inactive' });
    const early = { ...ALICE, validFrom: '2026-01-16' } as typeof ALICE;
    expect(decide(ALICE.principal, 'p1', 'CDM', registers([ASSIGN_P1], [early]))).toMatchObject({ allowed: false, code: 'access.verifier_inactive' });
    const suspended = { ...ALICE, suspended: true } as typeof ALICE;
    expect(decide(ALICE.principal, 'p1', 'CDM', registers([ASSIGN_P1], [suspended]))).toMatchObject({ allowed: false, code: 'access.verifier_inactive' });
    const lastDay = { ...ALICE, validTo: '2026-01-15' } as typeof ALICE;
    expect(decide(ALICE.principal, 'p1', 'CDM', registers([ASSIGN_P1], [lastDay]))).toMatchObject({ allowed: true });
  });
  it('a body verifying a project it validated is refused where the mechanism forbids it (CDM), unless an authorisation is recorded', () => {
    const validatedBySame = { ...ASSIGN_P1, validationBody: 'DOE-A' };
    expect(DEFAULT_ACCESS_RULES.CDM.sameBody.source).toMatch(/3\/CMP\.1.*27\(e\)/);
    for (const m of ['CDM', 'JI', 'A6.4'] as const)
      expect(decide(ALICE.principal, 'p1', m, registers([validatedBySame]))).toMatchObject({ allowed: false, code: 'access.validated_by_same_body' });
    expect(decide(ALICE.principal, 'p1', 'CDM', registers([{ ...validatedBySame, sameBodyAuthorisation: 'EB authorisation ref. X' }]))).toMatchObject({
      allowed: true,
    });
    expect(decide(ALICE.principal, 'p1', 'JCM', registers([validatedBySame]))).toMatchObject({ allowed: true });
    expect(decide(ALICE.principal, 'p1', 'CDM', registers([ASSIGN_P1]))).toMatchObject({ allowed: true });
  });
  it('the sectoral scope of the project must be covered by the accreditation', () => {
    expect(decide(ANNA.principal, 'p1', 'CDM', registers([{ ...ASSIGN_P1, sectoralScope: '13' }]))).toMatchObject({
      allowed: false,
      code: 'access.scope_not_accredited',
    });
    expect(decide(ALICE.principal, 'p1', 'CDM', registers([{ ...ASSIGN_P1, sectoralScope: '13' }]))).toMatchObject({ allowed: true });
  });
  it('without the mechanism the same-body rule cannot be checked: refused', () => {
    expect(authorize(p(ALICE.principal), 'decide', { projectId: 'p1' }, registers(), { at })).toMatchObject({
      allowed: false,
      code: 'access.mechanism_unknown',
    });
  });
});

describe('authorize: other actions', () => {
  it('a site uploads and reads only for its own project', () => {
    expect(authorize(p(SITE.principal), 'upload', { projectId: 'p1' }, registers(), { at }).allowed).toBe(true);
    expect(authorize(p(SITE.principal), 'upload', { projectId: 'p2' }, registers(), { at })).toMatchObject({ allowed: false, code: 'access.other_project' });
    expect(authorize(p(SITE.principal), 'read-evidence', { projectId: 'p2' }, registers(), { at })).toMatchObject({
      allowed: false,
      code: 'access.other_project',
    });
  });
  it('a site assembles monitoring reports of its own project only; the registrar may too; a verifier may not', () => {
    const assemble = (principal: string, projectId = 'p1') => authorize(p(principal), 'assemble-report', { projectId }, registers(), { at });
    expect(assemble(SITE.principal)).toEqual({ allowed: true, actor: { principal: SITE.principal, role: 'site', name: 'Site of p1', projectId: 'p1' } });
    expect(assemble(SITE.principal, 'p2')).toMatchObject({ allowed: false, code: 'access.other_project', actor: { role: 'site', projectId: 'p1' } });
    expect(assemble(REGISTRAR.principal, 'p2')).toMatchObject({ allowed: true, actor: { role: 'registrar' } });
    for (const r of [ALICE, ALICE_WEB, BOB]) expect(assemble(r.principal)).toMatchObject({ allowed: false, code: 'access.wrong_role' });
    expect(assemble('iam:AIDAUNKNOWNEXAMPLE')).toEqual({ allowed: false, code: 'access.unknown_principal', reason: expect.stringMatching(/not registered/) });
  });
  it('only the registrar registers projects and assigns bodies; verifiers read evidence of assigned projects only', () => {
    for (const a of ['register-project', 'assign-body', 'manage-verifiers'] as const) {
      expect(authorize(p(REGISTRAR.principal), a, { projectId: 'p1' }, registers(), { at }).allowed).toBe(true);
      for (const r of [SITE, ALICE])
        expect(authorize(p(r.principal), a, { projectId: 'p1' }, registers(), { at })).toMatchObject({ allowed: false, code: 'access.wrong_role' });
    }
    expect(authorize(p(ALICE.principal), 'read-evidence', { projectId: 'p1' }, registers(), { at }).allowed).toBe(true);
    expect(authorize(p(BOB.principal), 'read-evidence', { projectId: 'p1' }, registers(), { at })).toMatchObject({
      allowed: false,
      code: 'access.body_not_assigned',
    });
    expect(authorize(p(ALICE.principal), 'upload', { projectId: 'p1' }, registers(), { at })).toMatchObject({ allowed: false, code: 'access.wrong_role' });
  });
});

describe('independent review (maker–checker)', () => {
  const actor = (r: typeof ALICE): Actor => {
    const d = decide(r.principal);
    if (!d.allowed) throw new Error('fixture');
    return d.actor;
  };
  const threshold = DEFAULT_ACCESS_RULES.CDM.independentReview.aboveTCO2e;
  it('at or below the threshold one approval suffices; above it the first approval waits', () => {
    expect(independentReview({ er: String(threshold), mechanism: 'CDM', actor: actor(ALICE) })).toEqual({ kind: 'single' });
    expect(independentReview({ er: `${threshold}.000001`, mechanism: 'CDM', actor: actor(ALICE) })).toMatchObject({ kind: 'first' });
  });
  it('the second approval by the same verifier does not satisfy the review, not even from another principal', () => {
    const first = { actor: actor(ALICE), decidedAt: at, recordedAt: at };
    expect(independentReview({ er: '50000', mechanism: 'CDM', actor: actor(ALICE), first })).toMatchObject({ kind: 'refuse', code: 'review.same_verifier' });
    expect(independentReview({ er: '50000', mechanism: 'CDM', actor: actor(ALICE_WEB), first })).toMatchObject({
      kind: 'refuse',
      code: 'review.same_verifier',
    });
    expect(independentReview({ er: '50000', mechanism: 'CDM', actor: actor(ANNA), first })).toEqual({ kind: 'second', first });
  });
  it('the checker must belong to the same body', () => {
    const first = { actor: actor(ALICE), decidedAt: at, recordedAt: at };
    const bob: Actor = { principal: BOB.principal, role: 'verifier', name: 'Bob', personId: 'bob', body: 'DOE-B' };
    expect(independentReview({ er: '50000', mechanism: 'CDM', actor: bob, first })).toMatchObject({ kind: 'refuse', code: 'review.other_body' });
  });
  it('the threshold is per mechanism and configurable', () => {
    const rules = {
      ...DEFAULT_ACCESS_RULES,
      JCM: { ...DEFAULT_ACCESS_RULES.JCM, independentReview: { ...DEFAULT_ACCESS_RULES.JCM.independentReview, aboveTCO2e: 100 } },
    };
    expect(independentReview({ er: '150', mechanism: 'JCM', actor: actor(ALICE), rules })).toMatchObject({ kind: 'first' });
    expect(independentReview({ er: '150', mechanism: 'CDM', actor: actor(ALICE), rules })).toEqual({ kind: 'single' });
  });
});
