import type { Diagnostic } from '../validation/diagnostic.ts';
import type { GwpSetId } from '../gases/gwp.ts';
import type { Mechanism, Period } from '../mechanisms/mechanisms.ts';
import type { SmallScaleCapOutcome } from './small-scale-cap.ts';

/** Emissions of one category for one gas: tonnes of the gas and tonnes of CO2 equivalent. */
export interface GasQuantity {
  /** Tonnes of the gas itself (decimal string). */
  readonly t: string;
  /** tCO2e = t × GWP (decimal string). */
  readonly tCO2e: string;
}

export interface GasBreakdown {
  readonly gas: string;
  readonly gwp: string;
  readonly BE: GasQuantity;
  readonly PE: GasQuantity;
  readonly LE: GasQuantity;
  /** BE − PE − LE for this gas, tCO2e. */
  readonly ER: string;
}

export interface TraceEntry {
  readonly symbol: string;
  readonly expr: string;
  readonly unit: string;
  readonly ref: string;
  readonly scope: 'row' | 'period';
  /** Values of the symbols the expression read (period sums for row-scope symbols). */
  readonly inputs: Readonly<Record<string, string | boolean>>;
  /** Period value: the equation's result (period scope) or its sum over all rows (row scope). */
  readonly value: string | boolean;
  readonly rows?: number;
  /**
   * What was done to the computed value before later equations read it, in order: a rounding the
   * registration declares (issue 11 item 12) or a small-scale cap (issue 11 item 3). `value` is the
   * value after them.
   */
  readonly adjustments?: readonly TraceAdjustment[];
}

/** One adjustment of a traced value: from → to, the rule in words, and its source. */
export interface TraceAdjustment {
  readonly kind: 'rounding' | 'small-scale-cap';
  readonly from: string;
  readonly to: string;
  readonly rule: string;
  readonly source: string;
}

/**
 * The outcome of validating and calculating one monitoring file for one project. Quantities are
 * decimal strings (exact; see core/calculation/rounding.ts). `status`:
 * - `accepted`: every row valid, totals computed;
 * - `rejected`: at least one error diagnostic; no totals (no partial result);
 * - `not-applicable`: an applicability condition of the methodology is not met.
 */
export interface CalculationResult {
  readonly schemaVersion: 1;
  readonly status: 'accepted' | 'rejected' | 'not-applicable';
  readonly file: { readonly name: string; readonly format: string; readonly bytes: number; readonly sha256: string };
  readonly project: { readonly id: string; readonly mechanism: Mechanism; readonly hostCountry: string; readonly scale: string };
  readonly methodology: {
    readonly id: string;
    readonly version: string;
    readonly key: string;
    readonly hash: string;
    readonly title: string;
    readonly source: string;
  };
  /**
   * The GWP policy applied (`set`: `AR4`, or `lowest of SAR, AR4, AR5` …), why, and per gas the value,
   * the IPCC report it came from (`set`), the rule that chose it and the source.
   */
  readonly gwp?: {
    readonly set: string;
    readonly reason: string;
    readonly confidence?: 'confirmed' | 'unverified';
    readonly values: Readonly<Record<string, { value: string; set: GwpSetId; rule: string; source: string; confidence: string; replaces?: string }>>;
  };
  /** Monitoring period, first and last day included. */
  readonly period?: Period;
  readonly rows: { readonly total: number; readonly accepted: number; readonly rejected: number };
  readonly totals?: { readonly BE: string; readonly PE: string; readonly LE: string; readonly ER: string };
  readonly gases?: readonly GasBreakdown[];
  /**
   * Whole units issuable before deductions: ER (or the methodology's credit quantity) rounded per the
   * mechanism's policy, the credit type, and its expiry where the type expires (tCER, lCER).
   */
  readonly issuable?: {
    readonly units: string;
    readonly rounding: string;
    readonly creditType?: string;
    readonly expires?: string;
    readonly expiryRule?: string;
    /** The small-scale limit of the module (core/calculation/small-scale-cap.ts): what it allowed, and what it cut. */
    readonly smallScaleCap?: SmallScaleCapOutcome;
    /** The registration's rounding of ER (rounding profile entry `ER`), when declared. */
    readonly erRounding?: TraceAdjustment;
  };
  readonly parameters: Readonly<Record<string, unknown>>;
  /** QA/QC: conservative calibration adjustments applied, and monitoring gaps found. */
  readonly qaqc?: {
    /** `before`/`after`: the adjusted readings' sum without and with the factor; `change` = after − before (column unit, decimal strings). */
    readonly calibration: readonly {
      meter: string;
      column: string;
      side: string;
      mpe: number;
      factor: number;
      rows: number;
      first: string;
      last: string;
      before?: string;
      after?: string;
      change?: string;
    }[];
    readonly intervalMinutes?: number;
    readonly intervalMonths?: number;
    readonly gaps: readonly { from: string; to: string; missingIntervals: number; item?: string }[];
    readonly missingIntervals: number;
  };
  readonly trace: readonly TraceEntry[];
  readonly diagnostics: readonly Diagnostic[];
  /** Diagnostics counted but not listed (beyond the cap). */
  readonly diagnosticsOmitted: number;
  readonly diagnosticCounts: Readonly<Record<string, number>>;
}
