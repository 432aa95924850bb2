import { registersFrom, type PrincipalRecord, type ProjectAssignment } from '../../../../core/access/index.ts';

/** A small register: one site, three verifiers of two bodies, one registrar; project p1 assigned to DOE-A. */
export const SITE: PrincipalRecord = { role: 'site', principal: 'iam:AIDASITEP1EXAMPLE', name: 'Site of p1', projectId: 'p1' };
export const ALICE: PrincipalRecord = {
  role: 'verifier',
  principal: 'iam:AROAVERIFIERAEXAMPLE:alice',
  personId: 'alice',
  name: 'Alice Auditor',
  body: 'DOE-A',
  accreditationRef: 'E-0001',
  sectoralScopes: ['1', '13'],
  validFrom: '2020-01-01',
  validTo: '2030-12-31',
};
export const ALICE_WEB: PrincipalRecord = { ...ALICE, principal: 'cognito:0f5e-alice' } as PrincipalRecord;
export const ANNA: PrincipalRecord = {
  role: 'verifier',
  principal: 'iam:AROAVERIFIERAEXAMPLE:anna',
  personId: 'anna',
  name: 'Anna Checker',
  body: 'DOE-A',
  accreditationRef: 'E-0001',
  sectoralScopes: ['1'],
  validFrom: '2020-01-01',
  validTo: '2030-12-31',
};
export const BOB: PrincipalRecord = {
  role: 'verifier',
  principal: 'iam:AROAVERIFIERBEXAMPLE:bob',
  personId: 'bob',
  name: 'Bob of DOE-B',
  body: 'DOE-B',
  accreditationRef: 'E-0002',
  sectoralScopes: ['1'],
  validFrom: '2020-01-01',
  validTo: '2030-12-31',
};
export const REGISTRAR: PrincipalRecord = { role: 'registrar', principal: 'iam:AIDAREGISTRAREXAMPLE', personId: 'rex', name: 'Rex Registrar' };

export const ASSIGN_P1: ProjectAssignment = {
  projectId: 'p1',
  verificationBody: 'DOE-A',
  validationBody: 'DOE-V',
  assignedAt: '2024-01-01T00:00:00Z',
  assignedBy: 'rex',
};

export const registers = (assignments: ProjectAssignment[] = [ASSIGN_P1], records: PrincipalRecord[] = [SITE, ALICE, ALICE_WEB, ANNA, BOB, REGISTRAR]) =>
  registersFrom(records, assignments);
