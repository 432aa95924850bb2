import { canonicalJson, sha256Hex } from '../hashing/canonical.ts';
import type { Project } from './project.ts';

/**
 * Registrations are versioned, never overwritten: version 1 is the first registration; registering
 * an existing project with different content creates version n+1 with who, when and why. Each
 * version is kept whole, so an approved ledger entry stays verifiable against the version it used.
 */
export interface RegistrationVersion {
  readonly projectId: string;
  /** 1, 2, 3, … */
  readonly version: number;
  /** {@link registrationHash} of `registration`. */
  readonly hash: string;
  readonly registration: Project;
  readonly registeredAt: string;
  readonly registeredBy: string;
  /** Required from version 2 on: why the registration changed. */
  readonly reason?: string;
}

/** What a submission and a ledger entry pin: the version and the hash of its content. */
export interface RegistrationPin {
  readonly version: number;
  readonly hash: string;
}

/** SHA-256 of the canonical JSON of a registration (key order and absent members do not matter). */
export const registrationHash = (registration: unknown): string => sha256Hex(canonicalJson(registration));

export interface RegistrationChange {
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly before?: unknown;
  readonly after?: unknown;
}

/** Leaf-level differences between two registrations (`parameters.EF_grid_OM: 0.9 → 0.95`), in key order. */
export function diffRegistrations(before: unknown, after: unknown, path = ''): RegistrationChange[] {
  const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => {
      const p = path ? `${path}.${k}` : k;
      if (!(k in after) || after[k] === undefined) return before[k] === undefined ? [] : [{ path: p, kind: 'removed' as const, before: before[k] }];
      if (!(k in before) || before[k] === undefined) return [{ path: p, kind: 'added' as const, after: after[k] }];
      return diffRegistrations(before[k], after[k], p);
    });
  }
  return canonicalJson(before) === canonicalJson(after) ? [] : [{ path: path || '(root)', kind: 'changed', before, after }];
}

/** One line per change: `~ parameters.EF_grid_OM: 0.9 → 0.95`, `+ gwpOverrides.CH4: {…}`, `- meters`. */
export function renderDiff(changes: readonly RegistrationChange[]): string[] {
  const show = (v: unknown) => JSON.stringify(v);
  return changes.map((c) =>
    c.kind === 'added'
      ? `+ ${c.path}: ${show(c.after)}`
      : c.kind === 'removed'
        ? `- ${c.path}: ${show(c.before)}`
        : `~ ${c.path}: ${show(c.before)} → ${show(c.after)}`,
  );
}
