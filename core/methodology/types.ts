import type { z } from 'zod';
import type { Mechanism } from '../mechanisms/mechanisms.ts';
import type { DecimalEvaluator } from '../expressions/decimal.ts';
import type { FloatEvaluator, ParsedExpression } from '../expressions/sandbox.ts';
import type { ColumnMeta } from './columns.ts';

/** Tri-state applicability, like a cdk-nag rule: a "no" is a result with its reason, not a crash. */
export type Applicability = { readonly status: 'applicable' } | { readonly status: 'not-applicable'; readonly reason: string };

export interface ApplicabilityCondition<P> {
  /** Stable kebab-case id, e.g. `power-density-above-4`. */
  readonly id: string;
  /** Where the condition is in the source document, e.g. `ACM0002 §2.2 (c)`. */
  readonly ref: string;
  readonly description: string;
  /** Pure function of the registered project parameters (and the registration's scale and mechanism). */
  readonly check: (parameters: P, registration: RegistrationContext) => Applicability;
}

/** What applicability conditions may know of the registration besides the methodology's parameters. */
export interface RegistrationContext {
  readonly mechanism: Mechanism;
  readonly scale: 'large' | 'small' | 'micro';
  readonly hostCountry: string;
  readonly leastDevelopedCountry: boolean;
}

/** A fixed parameter of the methodology: a default factor with its unit, source and allowed range. */
export interface ParameterSpec {
  readonly value: number;
  readonly unit: string;
  readonly source: string;
  readonly range: readonly [number, number];
  readonly description: string;
  /**
   * `unverified`: the value is taken from the public document named in `source`, but has not been
   * confirmed against the version the project is registered under; reports and READMEs say so.
   */
  readonly confidence?: 'unverified';
}

/**
 * An equation: `symbol = expr`, a mathjs expression over declared symbols.
 *
 * - `scope: 'row'` runs on every accepted monitoring row; in the period scope its symbol stands for
 *   the **sum over the period** (as do the numeric monitoring columns).
 * - `scope: 'period'` runs once per monitoring period, in exact decimal arithmetic.
 */
export interface EquationSpec {
  readonly symbol: string;
  readonly expr: string;
  readonly unit: string;
  /** Equation reference in the source document, e.g. `ACM0002 Eq. (9)`. */
  readonly ref: string;
  readonly scope: 'row' | 'period';
  readonly description?: string;
}

/**
 * One emission term: a period-scope symbol holding **tonnes of one gas**. The engine multiplies it by
 * the GWP of the set in force and adds it to BE, PE or LE, so every result breaks down per gas.
 */
export interface EmissionTerm {
  readonly category: 'BE' | 'PE' | 'LE';
  readonly gas: string;
  readonly symbol: string;
}

/** A consistency check: a boolean expression that must hold for each row, or for the period. */
export interface CheckSpec {
  readonly id: string;
  readonly scope: 'row' | 'period';
  /** Must evaluate to true; false raises the diagnostic. */
  readonly assert: string;
  /** What to change when the check fails. A period check may name period values as `{symbol}`: they are filled in. */
  readonly message: string;
  readonly ref: string;
  readonly severity?: 'error' | 'warning';
}

/**
 * An emission source a site may or may not have (diesel back-up generators, geothermal steam): the
 * optional columns that measure it name it in their `absent.source`, and a registration's monitoring
 * plan says whether the site has it (`"sources": { "diesel_backup": false }`).
 */
export interface EmissionSourceSpec<P = Record<string, unknown>> {
  readonly description: string;
  /**
   * When the registered parameters already settle that the source cannot exist at the site (a wind
   * farm has no geothermal steam): the reason, shown in the report; otherwise undefined, and the
   * registration's `sources` decides.
   */
  readonly notAtSiteWhen?: (parameters: P) => string | undefined;
  /**
   * When the registered parameters settle that the source exists (a geothermal plant releases steam):
   * the reason; its columns must then be reported, and a registration saying otherwise is refused.
   */
  readonly atSiteWhen?: (parameters: P) => string | undefined;
}

export interface MethodologySource {
  readonly body: string;
  readonly document: string;
  readonly documentVersion: string;
  readonly url?: string;
}

/** What an author writes and passes to `defineMethodology`. */
export interface MethodologyDefinition<P extends z.ZodObject = z.ZodObject, R extends z.ZodObject = z.ZodObject> {
  readonly id: string;
  readonly version: string;
  readonly title: string;
  readonly source: MethodologySource;
  readonly mechanisms: readonly Mechanism[];
  /** Features the issuance step must know about, e.g. `ccs` (5 % CCS reserve). */
  readonly tags?: readonly ('ccs' | 'afforestation')[];
  readonly applicability: readonly ApplicabilityCondition<z.output<P>>[];
  /** zod schema of the project's registered parameters (the `parameters` of a project registration). */
  readonly project: P;
  /** zod schema of one monitoring row, built with `monitoringRow` and `column.*`. */
  readonly monitoring: R;
  /**
   * The emission sources a site may lack, by id (snake_case), named by optional project-side or
   * leakage columns in `column.optional(…, { absent: { source, value } })` (core/methodology/columns.ts).
   */
  readonly sources?: Readonly<Record<string, EmissionSourceSpec<z.output<P>>>>;
  /** The monitoring column that orders rows in time (a `column.timestamp`). */
  readonly timeColumn: string;
  /**
   * What a row's timestamp marks: the start of the interval its quantities cover (`interval-start`,
   * the default: a reading at 00:00 covers 00:00–01:00 of an hourly plan, a monthly row dated the 1st
   * covers that month) or its end (`interval-end`: a meter read at 01:00 for 00:00–01:00). The
   * monitoring period derived from the rows, and which rows a declared period admits, follow from it.
   */
  readonly timestampMarks?: 'interval-start' | 'interval-end';
  readonly parameters: Readonly<Record<string, ParameterSpec>>;
  readonly equations: readonly EquationSpec[];
  readonly emissions: readonly EmissionTerm[];
  readonly checks?: readonly CheckSpec[];
  /**
   * What is issued, when it is not floor(ER) of the mechanism's default credit: `symbol` is the
   * period symbol holding the issuable quantity (e.g. tCERs since the start, lCERs since the last
   * verification), `typeParameter` the project parameter naming the credit type (`tCER` | `lCER`).
   */
  readonly credits?: { readonly symbol: string; readonly typeParameter?: string };
  /**
   * The small-scale limit that caps what this module issues (core/calculation/small-scale-cap.ts):
   * `type-III` caps the period's issuable quantity at 60 kt CO2e/yr pro-rated to the monitoring period;
   * `ar-small-scale` caps the period symbol `symbol` (net removals accumulated over `years`, a symbol
   * in years) at 16 kt CO2/yr × years, before the credits are derived from it.
   */
  readonly smallScaleCap?: { readonly kind: 'type-III' } | { readonly kind: 'ar-small-scale'; readonly symbol: string; readonly years: string };
  /**
   * Expected monitoring frequency in minutes (15 for 15-minute meter data, 60 hourly, 1440 daily).
   * When set, duplicate readings for one interval are errors and missing intervals are listed.
   */
  readonly monitoringIntervalMinutes?: number;
  /** Expected monitoring frequency in calendar months (1 for monthly totals), instead of minutes. */
  readonly monitoringIntervalMonths?: number;
  /**
   * A monitoring column naming the item a row belongs to (e.g. `chiller`): the expected frequency then
   * applies per item — one reading per item and interval, gaps listed per item.
   */
  readonly monitoringItemColumn?: string;
  /**
   * What a gap means. `zero-fill`: missing intervals contribute nothing, which is conservative when
   * every monitored quantity earns credit (baseline side) — the gaps are listed as warnings.
   * `reject`: any gap rejects the period (use when project-side quantities are monitored).
   */
  readonly gapPolicy?: 'zero-fill' | 'reject';
}

export interface CompiledEquation extends EquationSpec {
  readonly parsed: ParsedExpression;
  readonly float?: FloatEvaluator;
  readonly decimal?: DecimalEvaluator;
}

export interface CompiledCheck extends CheckSpec {
  readonly parsed: ParsedExpression;
  readonly float?: FloatEvaluator;
  readonly decimal?: DecimalEvaluator;
}

/** How a project parameter is exposed to expressions. */
export interface ProjectSymbol {
  readonly field: string;
  readonly kind: 'number' | 'boolean' | 'enum-flag';
  /** For enum flags: the option this boolean stands for (`technology_solar` ⇔ technology = "solar"). */
  readonly option?: string;
}

/** A methodology after `defineMethodology` (./define-methodology.ts): checked, compiled, hashed and frozen. */
export interface Methodology<P extends z.ZodObject = z.ZodObject, R extends z.ZodObject = z.ZodObject> extends MethodologyDefinition<P, R> {
  /** `id@version` */
  readonly key: string;
  /** SHA-256 of the canonical declarative content (columns, parameters, equations, terms, checks). */
  readonly hash: string;
  readonly columns: readonly { name: string; meta: ColumnMeta }[];
  readonly projectSymbols: ReadonlyMap<string, ProjectSymbol>;
  /** GWP symbols (`GWP_CH4`) that expressions read, by gas id. */
  readonly gwpSymbols: ReadonlyMap<string, string>;
  readonly rowEquations: readonly CompiledEquation[];
  readonly periodEquations: readonly CompiledEquation[];
  readonly rowChecks: readonly CompiledCheck[];
  readonly periodChecks: readonly CompiledCheck[];
  /** Numeric and boolean monitoring columns, in the row scope under their own names. */
  readonly rowInputs: readonly string[];
}
