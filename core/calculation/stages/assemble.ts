/**
 * Result assembly: the parts every result carries (project, methodology, parameters), the diagnostics as a
 * result lists them, and the result of a period that ends early (not applicable, rejected).
 */
import type { Methodology } from '../../methodology/define-methodology.ts';
import type { Project } from '../../project/project.ts';
import type { DiagnosticCollector } from '../../validation/diagnostic.ts';
import type { Period } from '../../mechanisms/mechanisms.ts';
import type { GwpBinding } from '../gwp-binding.ts';
import type { CalculationResult } from '../result.ts';
import { reportQuantity } from '../rounding.ts';
import type { Emissions } from './emissions.ts';
import type { Issuance } from './issuance.ts';

/** What every result carries, whatever its status. */
export type ResultBase = Pick<CalculationResult, 'schemaVersion' | 'project' | 'methodology' | 'parameters'>;

/** The file as a result names it. */
export type FileInfo = CalculationResult['file'];

export function resultBase(project: Project, methodology: Methodology, parameters: Record<string, unknown>): ResultBase {
  return {
    schemaVersion: 1 as const,
    project: { id: project.id, mechanism: project.mechanism, hostCountry: project.hostCountry, scale: project.scale },
    methodology: {
      id: methodology.id,
      version: methodology.version,
      key: methodology.key,
      hash: methodology.hash,
      title: methodology.title,
      source: `${methodology.source.body} ${methodology.source.document} v${methodology.source.documentVersion}`,
    },
    parameters,
  };
}

/** The diagnostics as a result lists them: up to the cap, all counted. */
export function listDiagnostics(c: DiagnosticCollector): Pick<CalculationResult, 'diagnostics' | 'diagnosticsOmitted' | 'diagnosticCounts'> {
  return { diagnostics: c.kept, diagnosticsOmitted: c.truncated, diagnosticCounts: Object.fromEntries(c.countsByCode) };
}

/** A result without numbers: refused (or not applicable) before, or at, the period equations. */
export function endedResult(
  base: ResultBase,
  status: 'rejected' | 'not-applicable',
  file: FileInfo,
  diagnostics: DiagnosticCollector,
  rest: Pick<CalculationResult, 'rows'> & Partial<Pick<CalculationResult, 'period' | 'qaqc' | 'trace'>> = { rows: { total: 0, accepted: 0, rejected: 0 } },
): CalculationResult {
  return {
    ...base,
    status,
    file,
    ...(rest.period ? { period: rest.period } : {}),
    rows: rest.rows,
    ...(rest.qaqc ? { qaqc: rest.qaqc } : {}),
    trace: rest.trace ?? [],
    ...listDiagnostics(diagnostics),
  };
}

/** The GWPs a result states: the policy, why, and per gas the value and where it comes from. */
export function gwpOfResult(gwp: GwpBinding): NonNullable<CalculationResult['gwp']> {
  return {
    set: gwp.label,
    reason: gwp.policy.reason,
    confidence: gwp.policy.confidence,
    values: Object.fromEntries(
      [...gwp.values].map(([g, v]) => [
        g,
        { value: v.value, set: v.set, rule: v.rule, source: v.source, confidence: v.confidence, ...(v.replaces ? { replaces: v.replaces } : {}) },
      ]),
    ),
  };
}

/** The parts of an accepted period's result. */
export interface AcceptedPeriod {
  readonly file: FileInfo;
  readonly gwp: GwpBinding;
  readonly period: Period;
  readonly rows: CalculationResult['rows'];
  readonly qaqc: NonNullable<CalculationResult['qaqc']>;
  readonly emissions: Emissions;
  readonly issuance: Issuance;
  readonly trace: CalculationResult['trace'];
}

export function acceptedResult(base: ResultBase, a: AcceptedPeriod, diagnostics: DiagnosticCollector): CalculationResult {
  const { BE, PE, LE, gases } = a.emissions;
  return {
    ...base,
    status: 'accepted',
    file: a.file,
    gwp: gwpOfResult(a.gwp),
    period: a.period,
    rows: a.rows,
    qaqc: a.qaqc,
    totals: { BE: reportQuantity(BE), PE: reportQuantity(PE), LE: reportQuantity(LE), ER: reportQuantity(a.issuance.ER) },
    gases,
    issuable: a.issuance.issuable,
    trace: a.trace,
    ...listDiagnostics(diagnostics),
  };
}
