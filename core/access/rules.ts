import type { Mechanism } from '../mechanisms/mechanisms.ts';

/**
 * Per-mechanism access rules. Each names its source; where the text was not checked against the
 * official document here it says `confidence: 'unverified'`, and every value is configurable
 * ({@link AccessRules} is passed to authorize, so a deployment may override it).
 */
export interface SameBodyRule {
  /** May one body validate a project and verify (and certify) its reductions? */
  readonly allowed: boolean;
  /** When not allowed: may a recorded regulator authorisation lift the bar for a project? */
  readonly authorisationLifts: boolean;
  readonly source: string;
  readonly confidence: 'verified' | 'unverified';
}

export interface IndependentReviewRule {
  /**
   * Approvals of a monitoring report claiming more than this many tCO2e need a second approval by a
   * different verifier of the same body before anything is issued (maker–checker).
   */
  readonly aboveTCO2e: number;
  readonly source: string;
  readonly confidence: 'verified' | 'unverified' | 'policy';
}

export interface MechanismAccessRules {
  readonly sameBody: SameBodyRule;
  readonly independentReview: IndependentReviewRule;
}

export type AccessRules = Readonly<Record<Mechanism, MechanismAccessRules>>;

const REVIEW_POLICY: IndependentReviewRule = {
  aboveTCO2e: 10_000,
  source:
    'registry policy (four-eyes control of this pipeline; the mechanisms require an independent technical review inside the verification body, e.g. the CDM validation and verification standard, but set no tonnage); configurable',
  confidence: 'policy',
};

export const DEFAULT_ACCESS_RULES: AccessRules = {
  CDM: {
    sameBody: {
      allowed: false,
      authorisationLifts: true,
      source:
        'CDM modalities and procedures (decision 3/CMP.1 annex), para 27(e): a DOE performs either validation or verification and certification for a given project activity; upon request the Executive Board may allow a single DOE to perform all these functions',
      confidence: 'verified',
    },
    independentReview: REVIEW_POLICY,
  },
  JI: {
    sameBody: {
      allowed: false,
      authorisationLifts: true,
      source: 'JI Track 2 accreditation procedures (independent entities); conservative default: one body does not determine and verify the same project',
      confidence: 'unverified',
    },
    independentReview: REVIEW_POLICY,
  },
  JCM: {
    sameBody: {
      allowed: true,
      authorisationLifts: false,
      source: 'JCM Guidelines for Validation and Verification: a TPE may validate and verify the same project',
      confidence: 'unverified',
    },
    independentReview: REVIEW_POLICY,
  },
  'A6.4': {
    sameBody: {
      allowed: false,
      authorisationLifts: true,
      source:
        'Article 6.4 mechanism validation and verification standard (as under the CDM, one DOE does not validate and verify the same activity unless the Supervisory Body allows it); conservative default',
      confidence: 'unverified',
    },
    independentReview: REVIEW_POLICY,
  },
};
