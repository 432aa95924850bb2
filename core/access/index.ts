/** Pure authorization for every entry point (decision function, HTTP API, local stack). */
export { principalFromJwtClaims, principalFromLocalIdentity, principalFromSqsSenderId, PrincipalError, type AuthSource, type Principal } from './principal.ts';
export {
  ProjectAssignmentSchema,
  PrincipalRecordSchema,
  registersFrom,
  ROLES,
  type PrincipalRecord,
  type ProjectAssignment,
  type Registers,
  type RegistrarRecord,
  type Role,
  type SiteRecord,
  type VerifierRecord,
} from './registers.ts';
export { DEFAULT_ACCESS_RULES, type AccessRules, type MechanismAccessRules } from './rules.ts';
export {
  ACTIONS,
  actorOf,
  authorize,
  independentReview,
  type AccessDecision,
  type Action,
  type Actor,
  type FirstApproval,
  type RefusalCode,
  type Resource,
  type ReviewStep,
} from './authorize.ts';
