import { registersFrom, type PrincipalRecord, type ProjectAssignment } from '../../core/access/registers.ts';
import { MemoryAuditStore } from '../../core/audit/fake-store.ts';
import type { GateDeps } from '../../functions/record-decision/authorize.ts';
import type { DecisionDeps } from '../../functions/record-decision/record.ts';
import type { AccessRepository, StoredFirstApproval } from '../../functions/shared/aws/access-store.ts';

/** The SenderId of {@link TEST_VERIFIER} (what SQS would set for that role session). */
export const TEST_SENDER = 'AROATESTVERIFIEREXAMPLE:j.doe';
/** The verifier the handler tests decide as: the name the decision fixtures (test/events/review) give. */
export const TEST_VERIFIER: PrincipalRecord = {
  role: 'verifier',
  principal: `iam:${TEST_SENDER}`,
  personId: 'j.doe',
  name: 'DOE Example (J. Doe)',
  body: 'DOE-EXAMPLE',
  accreditationRef: 'E-0000',
  sectoralScopes: ['1'],
  validFrom: '2020-01-01',
  validTo: '2030-12-31',
};

/**
 * In-memory access registers with the table's conditional semantics. Unless `assignments` names a
 * project, every project is assigned to TEST_VERIFIER's body (CDM), so fixtures of any project work.
 */
export class FakeAccess implements AccessRepository {
  readonly records = new Map<string, PrincipalRecord>();
  readonly assignments = new Map<string, ProjectAssignment>();
  readonly firstApprovals = new Map<string, StoredFirstApproval>();
  constructor(
    records: PrincipalRecord[] = [TEST_VERIFIER],
    private readonly defaultBody: string | undefined = 'DOE-EXAMPLE',
  ) {
    for (const r of records) this.records.set(r.principal, r);
  }
  async registersFor(principalId: string, projectId: string) {
    const r = this.records.get(principalId);
    const a = await this.getAssignment(projectId);
    return registersFrom(r ? [r] : [], a ? [a] : []);
  }
  async getFirstApproval(uploadId: string) {
    return this.firstApprovals.get(uploadId);
  }
  async putFirstApproval(uploadId: string, approval: StoredFirstApproval) {
    if (this.firstApprovals.has(uploadId)) return false;
    this.firstApprovals.set(uploadId, approval);
    return true;
  }
  async putPrincipal(record: PrincipalRecord) {
    this.records.set(record.principal, record);
  }
  async putAssignment(a: ProjectAssignment) {
    this.assignments.set(a.projectId, a);
  }
  async getAssignment(projectId: string) {
    return (
      this.assignments.get(projectId) ??
      (this.defaultBody
        ? { projectId, verificationBody: this.defaultBody, mechanism: 'CDM' as const, assignedAt: '2024-01-01T00:00:00Z', assignedBy: 'registrar' }
        : undefined)
    );
  }
  async listPrincipals() {
    return [...this.records.values()];
  }
}

/** Decision deps plus in-memory access registers and audit trail. */
export function withAccess<T extends DecisionDeps>(
  deps: T,
  access: FakeAccess = new FakeAccess(),
  audit = new MemoryAuditStore(),
): T & GateDeps & { access: FakeAccess; audit: MemoryAuditStore } {
  return { ...deps, access, audit };
}
