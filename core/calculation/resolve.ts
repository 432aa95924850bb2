import { ConfigError } from '../errors.ts';
import type { Methodology } from '../methodology/define-methodology.ts';
import type { MethodologyRegistry } from '../methodology/registry.ts';
import type { Project } from '../project/project.ts';
import { registrationProblems } from '../project/registration.ts';
import { scaleProblems } from '../project/scale.ts';
import { roundingProfileProblems } from './period-adjustments.ts';
import { CalibrationRule } from './qaqc.ts';

/**
 * A registration resolved against its methodology module: on the engine's floor, above core/project
 * (whose pure checks it calls) and below calculate (which starts from it).
 */
export interface ResolvedProject {
  readonly project: Project;
  readonly methodology: Methodology;
  /** The project's parameters after the methodology's own schema (defaults applied). */
  readonly parameters: Record<string, unknown>;
}

/**
 * Checks that a project registration can be used with its methodology: the methodology `id@version`
 * is registered and the parameters satisfy its project schema. Throws {@link ConfigError} listing
 * every problem: a registration is configuration, not monitoring data.
 */
export function resolveProject(project: Project, registry: MethodologyRegistry): ResolvedProject {
  const methodology = registry.get(project.methodology);
  if (!methodology.mechanisms.includes(project.mechanism))
    throw new ConfigError(`Methodology ${methodology.key} is not available under ${project.mechanism} (it is for ${methodology.mechanisms.join(', ')}).`);
  const meterProblems = CalibrationRule.problemsOf(project.meters ?? [], new Map(methodology.columns.map((c) => [c.name, c.meta])));
  if (meterProblems.length) throw new ConfigError(`Project ${project.id}: the meters do not match ${methodology.key}.`, meterProblems);
  const parsed = methodology.project.safeParse(project.parameters);
  if (!parsed.success) {
    throw new ConfigError(
      `Project ${project.id}: the parameters do not match what ${methodology.key} requires.`,
      parsed.error.issues.map((i) => `parameters.${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  const problems = registrationProblems(project, methodology, parsed.data as Record<string, unknown>);
  if (problems.length) throw new ConfigError(`Project ${project.id}: the registration does not fit ${methodology.key}.`, problems);
  const roundingProblems = roundingProfileProblems(methodology, project.rounding);
  if (roundingProblems.length) throw new ConfigError(`Project ${project.id}: the rounding profile does not match ${methodology.key}.`, roundingProblems);
  return { project, methodology, parameters: parsed.data as Record<string, unknown> };
}

/**
 * Everything a registration must satisfy to be stored or used by the pipeline: core's ProjectSchema
 * (the caller parsed it), {@link resolveProject} (methodology, parameters, {@link registrationProblems})
 * and the declared scale against the parameters (core/project/scale.ts). `mrv project register` and
 * the ingest function's pre-check call it. (`calculate` itself leaves a plant above a small-scale
 * methodology's limit to that methodology's applicability conditions, which report it as not applicable.)
 *
 * @throws ConfigError listing every problem
 */
export function checkRegistration(project: Project, registry: MethodologyRegistry): ResolvedProject {
  const resolved = resolveProject(project, registry);
  const problems = scaleProblems(project, resolved.methodology.id, resolved.parameters).map((p) => `scale: ${p}`);
  if (problems.length) throw new ConfigError(`Project ${project.id}: the declared scale contradicts the registration.`, problems);
  return resolved;
}
