/**
 * The authoring entry point: everything a methodology module may use, and the only part of core/ a
 * module's own code imports (the lint fence in eslint.config.js refuses any other import from core/
 * in methodologies/<id>/<version>/, whatever the path form). What the engine does with a module —
 * readers, calculation, ledger — stays behind this line, so it can change without touching modules.
 */
export { defineMethodology } from './define-methodology.ts';
export { column, columnRegistry, monitoringRow } from './columns.ts';
export type { ColumnAbsence, ColumnMeta } from './columns.ts';
export type {
  Applicability,
  ApplicabilityCondition,
  CheckSpec,
  EmissionSourceSpec,
  EmissionTerm,
  EquationSpec,
  Methodology,
  MethodologyDefinition,
  MethodologySource,
  ParameterSpec,
  RegistrationContext,
} from './types.ts';
// Gas data a module may read (names, symbols, refrigerant compositions, the IPCC GWP tables); the GWP set in
// force for a period is still chosen and applied by the engine, never by a module.
export { findGas, gasSymbol } from '../gases/gases.ts';
export { REFRIGERANTS, hasKyotoComponent, nonKyoto } from '../gases/blends.ts';
export { GWP_SET_IDS, GWP_TABLE } from '../gases/gwp.ts';
