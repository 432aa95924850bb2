import type { Methodology } from '../methodology/types.ts';
import { findGas } from '../gases/gases.ts';
import { gwpOf } from '../gases/gwp.ts';
import { GWP_SET_IDS } from '../gases/gwp.ts';
import { DecimalString } from '../quantity/decimal-string.ts';
import type { Project } from './project.ts';
import { unknownKeyMessage } from './suggest.ts';
import { sourceContradictions, sourcesOf } from '../methodology/absence.ts';

/** The gases whose GWP a methodology reads (emission terms and GWP symbols), by gas id. */
export function gasesOf(methodology: Pick<Methodology, 'emissions' | 'gwpSymbols'>): Set<string> {
  return new Set([...methodology.emissions.map((t) => findGas(t.gas)?.id ?? t.gas), ...methodology.gwpSymbols.values()]);
}

/** The schema the review item applies to a GWP value (core/review/schemas.ts): a registration must pass it, so no later stage refuses it. */
const ReviewGwp = DecimalString;

/**
 * What a registration must satisfy besides core's ProjectSchema, checked against its methodology
 * (core/calculation/calculate.ts resolveProject calls it, so `mrv project register`, `mrv calc` and
 * the ingest function refuse the same registrations):
 * - no parameter the methodology does not declare (did-you-mean);
 * - no emission source in `sources` the methodology does not name (did-you-mean);
 * - GWP overrides only for gases the methodology uses, and values the review item accepts.
 */
export function registrationProblems(project: Project, methodology: Methodology, parameters: Record<string, unknown> = project.parameters): string[] {
  const problems: string[] = [];
  const shape = (methodology.project as { shape?: Record<string, unknown> }).shape;
  if (shape) {
    const known = Object.keys(shape);
    for (const key of Object.keys(project.parameters))
      if (!(key in shape)) problems.push(`parameters.${key}: ${unknownKeyMessage(key, known, 'parameter')} of ${methodology.key}`);
  }
  const sources = sourcesOf(methodology.columns, methodology.sources as never);
  for (const key of Object.keys(project.sources ?? {})) {
    if (!sources.has(key))
      problems.push(
        `sources.${key}: ${sources.size ? unknownKeyMessage(key, [...sources.keys()], 'emission source') : `unknown emission source ${JSON.stringify(key)}: ${methodology.key} has no optional source columns`} of ${methodology.key}`,
      );
  }
  problems.push(...sourceContradictions(methodology.sources as never, project.sources, parameters));
  const used = gasesOf(methodology);
  for (const [gas, o] of Object.entries(project.gwpOverrides ?? {})) {
    if (!used.has(gas)) {
      problems.push(
        `gwpOverrides.${gas}: ${methodology.key} does not use ${gas} (it uses ${[...used].join(', ') || 'no GWP'}); an override for a gas the methodology does not use is refused, not ignored`,
      );
      continue;
    }
    for (const set of GWP_SET_IDS) {
      const shown = gwpOf(gas, set, { [gas]: o }).value;
      if (!ReviewGwp.safeParse(shown).success) {
        problems.push(`gwpOverrides.${gas}.value: ${shown} is not a plain decimal number the review accepts`);
        break;
      }
    }
  }
  return problems;
}

/**
 * What a registration leaves to a default a user should know about (not errors: the registration is
 * usable). Today: no `timeZone`, so every local time is read as UTC — wrong by hours for most sites,
 * which moves readings across period, GWP and crediting-period boundaries (docs/periods-and-time.md).
 */
export function registrationWarnings(project: Pick<Project, 'id' | 'timeZone'>): string[] {
  const warnings: string[] = [];
  if (project.timeZone === undefined)
    warnings.push(
      `Project ${project.id} declares no time zone, so UTC is assumed: timestamps without an offset, --period dates, the crediting period and calibration dates are read on the UTC clock. If the site is not on UTC, add its IANA zone (e.g. "timeZone": "Asia/Kolkata") and register it again with --reason.`,
    );
  return warnings;
}
