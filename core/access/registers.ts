import { z } from 'zod';
import { MECHANISMS } from '../mechanisms/mechanisms.ts';

/**
 * The access registers the registrar keeps (stored in the access table; see
 * functions/shared/resources.ts ACCESS_KEYS). Pure data: authorization reads a snapshot of them.
 *
 * - one {@link PrincipalRecord} per authenticated principal: its role and who it is;
 * - the verifier register: a verifier is a person of a verification body (a CDM DOE, a JCM TPE, …)
 *   with the body's accreditation reference, the sectoral scopes and the dates the person may act;
 * - one {@link ProjectAssignment} per project: the body assigned to verify it, and the body that
 *   validated it (for the rule that one body may not validate and verify the same project).
 */
const Day = z.iso.date();
const Id = z.string().trim().min(1).max(200);

export const ROLES = ['site', 'verifier', 'registrar'] as const;
export type Role = (typeof ROLES)[number];

export const SiteRecordSchema = z.object({
  role: z.literal('site'),
  principal: Id,
  name: Id,
  /** The one project this site uploads for (IAM tag `mrv:project`). */
  projectId: Id,
});

export const VerifierRecordSchema = z
  .object({
    role: z.literal('verifier'),
    principal: Id,
    /** The person, stable across principals (an IAM user and a Cognito login are one person). */
    personId: Id,
    name: Id,
    /** Verification body (IAM tag `mrv:verifier-body`), e.g. the DOE's reference. */
    body: Id,
    /** The body's accreditation, e.g. a CDM DOE reference `E-0001`. */
    accreditationRef: Id,
    /** Sectoral scopes the accreditation covers (CDM scopes 1–16, as strings). */
    sectoralScopes: z.array(Id).min(1),
    /** First and last day (inclusive, UTC) the person may act for the body. */
    validFrom: Day,
    validTo: Day,
    /** Set by the registrar to withdraw the person before validTo. */
    suspended: z.boolean().optional(),
  })
  .refine((v) => v.validFrom <= v.validTo, { message: 'validFrom must not be after validTo', path: ['validTo'] });

export const RegistrarRecordSchema = z.object({
  role: z.literal('registrar'),
  principal: Id,
  personId: Id,
  name: Id,
});

export const PrincipalRecordSchema = z.union([SiteRecordSchema, VerifierRecordSchema, RegistrarRecordSchema]);
export type SiteRecord = z.infer<typeof SiteRecordSchema>;
export type VerifierRecord = z.infer<typeof VerifierRecordSchema>;
export type RegistrarRecord = z.infer<typeof RegistrarRecordSchema>;
export type PrincipalRecord = z.infer<typeof PrincipalRecordSchema>;

export const ProjectAssignmentSchema = z.object({
  projectId: Id,
  /** The body assigned to verify the project's monitoring reports. */
  verificationBody: Id,
  /** The body that validated the project, when known. */
  validationBody: Id.optional(),
  /** The project's mechanism as registered (used when a submission does not carry it). */
  mechanism: z.enum(MECHANISMS).optional(),
  /** The project's sectoral scope; when set, the verifier's accreditation must cover it. */
  sectoralScope: Id.optional(),
  /**
   * Where the mechanism forbids one body validating and verifying the same project but its
   * regulator authorised it (CDM: an Executive Board authorisation), the reference of that
   * authorisation.
   */
  sameBodyAuthorisation: Id.optional(),
  assignedAt: z.iso.datetime({ offset: true }),
  assignedBy: Id,
});
export type ProjectAssignment = z.infer<typeof ProjectAssignmentSchema>;

/** What authorization reads: lookups over the registers (a snapshot for pure code, a table for functions). */
export interface Registers {
  principal(principalId: string): PrincipalRecord | undefined;
  assignment(projectId: string): ProjectAssignment | undefined;
}

/** An in-memory {@link Registers} (tests, the local stack's seed, and the functions after one read). */
export function registersFrom(records: readonly PrincipalRecord[], assignments: readonly ProjectAssignment[] = []): Registers {
  const byPrincipal = new Map(records.map((r) => [r.principal, r] as const));
  const byProject = new Map(assignments.map((a) => [a.projectId, a] as const));
  return { principal: (id) => byPrincipal.get(id), assignment: (id) => byProject.get(id) };
}
