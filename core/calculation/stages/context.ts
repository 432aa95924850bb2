/**
 * The start of a calculation: the registration resolved against its methodology, the diagnostics, the
 * applicability conditions, the site's clock and declared period, the row scope's constants, the GWP
 * policy and what the monitoring plan expects (frequency, item column, emission-source columns). Every
 * later stage reads this; the rows stage adds only per-row state.
 */
import type { Period } from '../../mechanisms/mechanisms.ts';
import { absencePolicyOf, sourceAbsentBecause } from '../../methodology/absence.ts';
import type { Methodology } from '../../methodology/define-methodology.ts';
import type { MethodologyRegistry } from '../../methodology/registry.ts';
import type { Project } from '../../project/project.ts';
import { SitePeriods } from '../../time/site-periods.ts';
import { DiagnosticCollector } from '../../validation/diagnostic.ts';
import type { IntervalSpec } from '../qaqc.ts';
import { resolveProject } from '../resolve.ts';
import { resultBase, type ResultBase } from './assemble.ts';
import type { Diag } from './context-types.ts';
import { GwpState } from './gwp.ts';
import { RowScope } from './row-scope.ts';

export type { Diag } from './context-types.ts';

/** An optional column measuring an emission source (core/methodology/absence.ts). */
export interface SourceColumn {
  readonly name: string;
  readonly meta: Methodology['columns'][number]['meta'];
  readonly source: string;
  /** Why the source cannot exist at the site (then the column may be left out); undefined where it may. */
  readonly absentBecause: string | undefined;
  /** The registration says the site does not have the source. */
  readonly registeredAbsent: boolean;
}

export interface Calculation {
  readonly project: Project;
  readonly methodology: Methodology;
  readonly parameters: Record<string, unknown>;
  readonly fileName: string;
  readonly maxDiagnostics: number;
  readonly diagnostics: DiagnosticCollector;
  readonly diag: Diag;
  readonly base: ResultBase;
  /** An applicability condition is not met: the project gets no numbers. */
  readonly notApplicable: boolean;
  readonly site: SitePeriods;
  /** The declared period on the site's clock, and its span. */
  readonly period: Period | undefined;
  readonly periodSpan: ReturnType<SitePeriods['span']> | undefined;
  readonly scope: RowScope;
  readonly gwp: GwpState;
  /** The expected monitoring frequency: the registration's plan, else the methodology's. */
  readonly intervalSpec: IntervalSpec | undefined;
  /** Index (in the methodology's columns) of the monitored-item column, −1 without one. */
  readonly itemIndex: number;
  readonly sourceColumns: readonly SourceColumn[];
}

export interface CalculationStart {
  readonly project: Project;
  readonly registry: MethodologyRegistry;
  readonly fileName: string;
  readonly period?: Period;
  readonly maxDiagnostics?: number;
}

export function startCalculation(input: CalculationStart): Calculation {
  const { project, methodology, parameters } = resolveProject(input.project, input.registry);
  const fileName = input.fileName;
  const diagnostics = new DiagnosticCollector(input.maxDiagnostics ?? 1000);
  const diag: Diag = (d) => diagnostics.add({ source: methodology.key, ...d });
  // Applicability comes first: a project the methodology does not cover gets no numbers.
  const notApplicable = checkApplicability(project, methodology, parameters, diag);
  const scope = new RowScope(methodology, parameters);
  // Time on the site's clock: periods are half-open instants [start, end) (core/time).
  const site = new SitePeriods(project.timeZone, methodology.timestampMarks);
  const period = input.period ? site.normalise(input.period) : undefined;
  const gwp = new GwpState(project, methodology, scope, diag, fileName);
  return {
    project,
    methodology,
    parameters,
    fileName,
    maxDiagnostics: input.maxDiagnostics ?? 1000,
    diagnostics,
    diag,
    base: resultBase(project, methodology, parameters),
    notApplicable,
    site,
    period,
    periodSpan: period ? site.span(period) : undefined,
    scope,
    gwp,
    intervalSpec: intervalSpecOf(project, methodology),
    itemIndex: methodology.monitoringItemColumn ? methodology.columns.findIndex((c) => c.name === methodology.monitoringItemColumn) : -1,
    sourceColumns: sourceColumnsOf(project, methodology, parameters),
  };
}

function checkApplicability(project: Project, methodology: Methodology, parameters: Record<string, unknown>, diag: Diag): boolean {
  const registration = {
    mechanism: project.mechanism,
    scale: project.scale,
    hostCountry: project.hostCountry,
    leastDevelopedCountry: project.leastDevelopedCountry,
  };
  const notMet = methodology.applicability.map((c) => ({ c, r: c.check(parameters as never, registration) })).filter((x) => x.r.status === 'not-applicable');
  for (const { c, r } of notMet)
    diag({
      severity: 'error',
      code: 'applicability.not_met',
      message: `Applicability condition ${c.id} (${c.ref}) is not met: ${r.status === 'not-applicable' ? r.reason : ''}.`,
      ref: c.ref,
    });
  return notMet.length > 0;
}

/** The monitoring plan of the registration sets the expected frequency; the methodology's is the default. */
export function intervalSpecOf(project: Project, methodology: Methodology): IntervalSpec | undefined {
  if (project.monitoringIntervalMinutes) return { minutes: project.monitoringIntervalMinutes };
  if (project.monitoringIntervalMonths) return { months: project.monitoringIntervalMonths };
  if (methodology.monitoringIntervalMinutes) return { minutes: methodology.monitoringIntervalMinutes };
  if (methodology.monitoringIntervalMonths) return { months: methodology.monitoringIntervalMonths };
  return undefined;
}

/**
 * Optional columns measuring an emission source (core/methodology/absence.ts): at a site that has the
 * source they are required, and an empty cell is a missing reading; at a site without it they may be left out.
 */
export function sourceColumnsOf(project: Project, methodology: Methodology, parameters: Record<string, unknown>): SourceColumn[] {
  return methodology.columns.flatMap((c) => {
    const policy = absencePolicyOf(c);
    if (policy?.kind !== 'source') return [];
    const absentBecause = sourceAbsentBecause(policy.source, methodology.sources?.[policy.source] as never, project.sources, parameters);
    return [{ name: c.name, meta: c.meta, source: policy.source, absentBecause, registeredAbsent: project.sources?.[policy.source] === false }];
  });
}

/** What to do about a source column left out at a site that has (or has not ruled out) the source. */
export const sourceHint = (c: { meta: { kind: string; side?: string }; source: string }): string =>
  `It is ${c.meta.kind === 'number' ? `a ${c.meta.side ?? 'project'}-side quantity` : 'a monitored value'} that may be left out only where the site has no ${c.source}: report it (0 where nothing was emitted), or, if the site has no ${c.source}, say so in the registration's monitoring plan: "sources": { "${c.source}": false }.`;
