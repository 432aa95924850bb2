import { ConfigError, GwpNotDefinedError } from '../errors.ts';
import { findGas } from '../gases/gases.ts';
import { gwpPolicyLabel, resolveGwpUnderPolicy, type GwpPolicy, type PolicyGwp } from '../gases/gwp.ts';
import { selectGwpPolicy, type Period } from '../mechanisms/mechanisms.ts';
import type { Methodology } from '../methodology/define-methodology.ts';
import type { Project } from '../project/project.ts';

/** The GWPs of one calculation: the policy, and per gas the value, its report and the rule. */
export interface GwpBinding {
  readonly policy: GwpPolicy;
  readonly label: string;
  readonly values: ReadonlyMap<string, PolicyGwp>;
}

export type GwpBindingOutcome =
  | { readonly ok: true; readonly binding: GwpBinding }
  | { readonly ok: false; readonly code: 'period.spans_gwp_boundary' | 'gwp.not_defined'; readonly messages: readonly string[] };

/**
 * Resolves the GWP of every gas a methodology uses (its emission terms and its `GWP_<gas>` symbols)
 * for a period, under the policy the mechanism requires (or the registration pins). Pure; a problem is
 * returned, not thrown, so the engine can report it as a diagnostic of the upload.
 *
 * The engine calls this before the rows: with the declared period, or — when the period is read from
 * the rows — with the day of the first accepted reading, then again with the whole period once it is
 * known; {@link sameGwps} then checks that the rows were converted with the GWPs of the whole period
 * (a file that spans a GWP boundary is refused by `selectGwpPolicy`).
 */
export function bindGwps(project: Project, methodology: Methodology, period: Period): GwpBindingOutcome {
  let policy: GwpPolicy;
  try {
    policy = selectGwpPolicy(project.mechanism, period, {
      ...(project.gwpSet ? { set: project.gwpSet } : {}),
      ...(project.gwpPolicy ? { policy: project.gwpPolicy } : {}),
    });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { ok: false, code: 'period.spans_gwp_boundary', messages: [e.message] };
  }
  const gases = new Set<string>([...methodology.emissions.map((t) => findGas(t.gas)!.id), ...methodology.gwpSymbols.values()]);
  const values = new Map<string, PolicyGwp>();
  const problems: string[] = [];
  for (const gas of gases) {
    try {
      values.set(gas, resolveGwpUnderPolicy(gas, policy, project.gwpOverrides));
    } catch (e) {
      if (!(e instanceof GwpNotDefinedError)) throw e;
      problems.push(`${e.message} (${policy.reason})`);
    }
  }
  if (problems.length) return { ok: false, code: 'gwp.not_defined', messages: problems };
  return { ok: true, binding: { policy, label: gwpPolicyLabel(policy), values } };
}

/** True when two bindings give every gas the same value (the rows were converted consistently). */
export function sameGwps(a: GwpBinding, b: GwpBinding): boolean {
  if (a.values.size !== b.values.size) return false;
  for (const [gas, v] of a.values) if (b.values.get(gas)?.value !== v.value) return false;
  return true;
}
