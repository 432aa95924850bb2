/**
 * A small evaluator of IAM identity policies, limited to the constructs the pipeline's role policies
 * use (infra/policies/role-policies.ts): Allow/Deny, Action/NotAction and Resource with `*`/`?`
 * wildcards, the policy variables `${aws:PrincipalTag/…}` and `${aws:userid}` in resources and
 * condition values, and the operators StringEquals, StringLike, StringNotEquals, StringNotLike, Null
 * (each optionally `…IfExists`), and ForAllValues:StringEquals over a single value. Anything else makes it throw: a policy it cannot evaluate is never
 * reported as allowing or denying. Evaluation order as IAM's: an explicit Deny wins, then any Allow,
 * else the implicit deny.
 *
 * It serves the policy-simulation tests (on the synthesized CDK template) and the local stack, which
 * enforces the same policy documents. (@cloud-copilot/iam-simulate is a fuller simulator, but
 * AGPL-licensed; this project is Apache-2.0.)
 */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly PolicyStatement[];
}

export interface IamRequest {
  /** e.g. `s3:PutObject`. */
  readonly action: string;
  /** The resource ARN, e.g. `arn:aws:s3:::bucket/uploads/p1/file.csv`. */
  readonly resource: string;
  /** Request context keys, e.g. `aws:PrincipalTag/mrv:project`, `aws:userid`, `s3:prefix`. */
  readonly context: Readonly<Record<string, string | undefined>>;
}

export type IamDecision = { readonly decision: 'allow' | 'explicit-deny' | 'implicit-deny'; readonly statement?: string };

export class UnsupportedPolicyError extends Error {
  override name = 'UnsupportedPolicyError';
}

const list = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);

function globToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
}

/** Substitutes `${key}` policy variables; undefined when a variable has no value (the element then does not match). */
function substitute(value: string, context: IamRequest['context']): string | undefined {
  let missing = false;
  const out = value.replace(/\$\{([^}]+)\}/g, (_m, key: string) => {
    if (key === '*' || key === '?' || key === '$') return key === '$' ? '$' : key; // ${*} ${?} ${$} escapes
    const v = context[key];
    if (v === undefined) missing = true;
    // a value is literal: its own * and ? must not act as wildcards
    return (v ?? '').replace(/[*?]/g, (c) => (c === '*' ? '\u0000' : '\u0001'));
  });
  return missing ? undefined : out;
}

function globMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const re = globToRegExp(pattern, caseInsensitive);
  const literal = value.replace(/[*?]/g, (c) => (c === '*' ? '\u0000' : '\u0001'));
  return re.test(literal) || re.test(value);
}

function matchesAction(s: PolicyStatement, action: string): boolean {
  if (s.Action !== undefined) return list(s.Action).some((a) => globMatch(a, action, true));
  if (s.NotAction !== undefined) return !list(s.NotAction).some((a) => globMatch(a, action, true));
  throw new UnsupportedPolicyError(`statement ${s.Sid ?? ''} has neither Action nor NotAction`);
}

function matchesResource(s: PolicyStatement, req: IamRequest): boolean {
  if (s.Resource === undefined) throw new UnsupportedPolicyError(`statement ${s.Sid ?? ''}: only Resource is supported (no NotResource)`);
  return list(s.Resource).some((r) => {
    const pattern = substitute(r, req.context);
    return pattern !== undefined && globMatch(pattern, req.resource);
  });
}

function conditionHolds(operator: string, key: string, expected: readonly string[], req: IamRequest): boolean {
  const ifExists = operator.endsWith('IfExists');
  const op = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  const actual = req.context[key];
  if (op === 'Null') return expected.some((e) => (e === 'true') === (actual === undefined));
  if (actual === undefined) return ifExists || op === 'StringNotEquals' || op === 'StringNotLike';
  const values = expected.map((e) => substitute(e, req.context)).filter((e): e is string => e !== undefined);
  switch (op) {
    case 'StringEquals':
      return values.includes(actual);
    case 'StringNotEquals':
      return !values.includes(actual);
    case 'StringLike':
      return values.some((v) => globMatch(v, actual));
    case 'StringNotLike':
      return !values.some((v) => globMatch(v, actual));
    default:
      throw new UnsupportedPolicyError(`condition operator ${operator} is not supported by this evaluator`);
  }
}

function matchesConditions(s: PolicyStatement, req: IamRequest): boolean {
  for (const [operator, block] of Object.entries(s.Condition ?? {})) {
    if (operator === 'ForAllValues:StringEquals') {
      // Single-valued context here (e.g. dynamodb:LeadingKeys of one GetItem). A missing key makes
      // ForAllValues true, as in IAM: the policies pair it with a Null condition.
      for (const [key, expected] of Object.entries(block)) if (!conditionHolds('StringEqualsIfExists', key, list(expected), req)) return false;
      continue;
    }
    if (operator.includes(':')) throw new UnsupportedPolicyError(`set operator ${operator} is not supported by this evaluator`);
    for (const [key, expected] of Object.entries(block)) if (!conditionHolds(operator, key, list(expected), req)) return false;
  }
  return true;
}

/** Evaluates identity policies for one request. */
export function evaluatePolicies(documents: readonly PolicyDocument[], req: IamRequest): IamDecision {
  let allowedBy: string | undefined;
  let allowed = false;
  for (const doc of documents) {
    for (const s of doc.Statement) {
      if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new UnsupportedPolicyError(`Effect ${String(s.Effect)}`);
      if (!matchesAction(s, req.action) || !matchesResource(s, req) || !matchesConditions(s, req)) continue;
      if (s.Effect === 'Deny') return { decision: 'explicit-deny', ...(s.Sid ? { statement: s.Sid } : {}) };
      if (!allowed) {
        allowed = true;
        allowedBy = s.Sid;
      }
    }
  }
  return allowed ? { decision: 'allow', ...(allowedBy ? { statement: allowedBy } : {}) } : { decision: 'implicit-deny' };
}
