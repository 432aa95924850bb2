/**
 * The row equations and row checks of one accepted reading, over the row scope's slots. A value that
 * cannot be evaluated, or is not finite, is a row error (never a crash, nor a pass); a failed check
 * rejects the row at severity error, and is reported at any severity.
 */
import type { CompiledEquation, Methodology } from '../../methodology/define-methodology.ts';
import type { SlotScope } from '../../expressions/float-slots.ts';
import type { Diag } from './context-types.ts';
import type { RowScope } from './row-scope.ts';

type Evaluator = (s: SlotScope) => number | boolean;

export interface RowEquations {
  readonly equations: readonly { readonly eq: CompiledEquation; readonly slot: number; readonly run: Evaluator }[];
  readonly checks: readonly { readonly check: Methodology['rowChecks'][number]; readonly run: Evaluator }[];
}

export function compileRowEquations(methodology: Methodology, scope: RowScope): RowEquations {
  return {
    equations: methodology.rowEquations.map((eq) => ({ eq, slot: scope.slot(eq.symbol), run: scope.compile(eq) })),
    checks: methodology.rowChecks.map((check) => ({ check, run: scope.compile(check) })),
  };
}

/** Runs the row equations into their slots; false (with a diagnostic) at the first that fails. */
export function runRowEquations(r: RowEquations, slots: SlotScope, diag: Diag, file: string, row: number, line: number): boolean {
  const equations = r.equations;
  for (let k = 0; k < equations.length; k++) {
    const { eq, slot, run } = equations[k]!;
    let v: number | boolean;
    try {
      v = run(slots);
    } catch (e) {
      diag({
        severity: 'error',
        code: 'equation.error',
        message: `Row ${row}: equation ${eq.symbol} (${eq.ref}) could not be evaluated: ${(e as Error).message}.`,
        location: { file, row, line },
        ref: eq.ref,
      });
      return false;
    }
    if (typeof v === 'number' && !Number.isFinite(v)) {
      diag({
        severity: 'error',
        code: 'equation.non_finite',
        message: `Row ${row}: equation ${eq.symbol} = ${eq.expr} (${eq.ref}) gives ${v}; check the inputs of this row (a zero divisor?).`,
        location: { file, row, line },
        ref: eq.ref,
      });
      return false;
    }
    slots[slot] = v;
  }
  return true;
}

/** Runs the row checks; false when one fails at severity error or cannot be evaluated. */
export function runRowChecks(r: RowEquations, slots: SlotScope, diag: Diag, file: string, row: number, line: number): boolean {
  const checks = r.checks;
  let ok = true;
  for (let k = 0; k < checks.length; k++) {
    const { check, run } = checks[k]!;
    let passed: unknown;
    try {
      passed = run(slots);
    } catch (e) {
      // A check that cannot be evaluated on this row is a row error, never a crash (nor a pass).
      diag({
        severity: 'error',
        code: 'equation.error',
        message: `Row ${row}: check ${check.id} (${check.ref}) could not be evaluated: ${(e as Error).message}.`,
        location: { file, row, line },
        ref: check.ref,
      });
      return false;
    }
    if (passed === true) continue;
    const severity = check.severity ?? 'error';
    diag({
      severity,
      code: 'row.check_failed',
      message: `Row ${row}: ${check.message} (check ${check.id}, ${check.ref}).`,
      location: { file, row, line },
      ref: check.ref,
    });
    if (severity === 'error') ok = false;
  }
  return ok;
}
