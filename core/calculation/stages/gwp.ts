/**
 * The GWP policy of one calculation (core/calculation/gwp-binding.ts): bound before any row equation runs —
 * from the declared period, or else from the day of the first accepted reading — and re-checked against the
 * whole period once the rows have shown it.
 */
import type { Period } from '../../mechanisms/mechanisms.ts';
import type { Methodology } from '../../methodology/define-methodology.ts';
import type { Project } from '../../project/project.ts';
import { formatPeriod } from '../../time/period.ts';
import { bindGwps, sameGwps, type GwpBinding } from '../gwp-binding.ts';
import type { Diag } from './context-types.ts';
import type { RowScope } from './row-scope.ts';

export class GwpState {
  binding: GwpBinding | undefined;
  /** A binding was tried and refused (its diagnostics are out): rows are rejected without another try. */
  failed = false;

  constructor(
    private readonly project: Project,
    private readonly methodology: Methodology,
    private readonly scope: RowScope,
    private readonly diag: Diag,
    private readonly fileName: string,
  ) {}

  /** Binds the GWPs for `period` and puts them in the row scope; false (with diagnostics) if no policy gives them. */
  bind(period: Period): boolean {
    const outcome = bindGwps(this.project, this.methodology, period);
    if (!outcome.ok) {
      for (const message of outcome.messages) this.diag({ severity: 'error', code: outcome.code, message, location: { file: this.fileName } });
      this.failed = true;
      return false;
    }
    const gwp = outcome.binding;
    this.binding = gwp;
    for (const [symbol, gas] of this.methodology.gwpSymbols) this.scope.setConstant(symbol, Number(gwp.values.get(gas)!.value));
    return true;
  }

  /** Binds at an instant (the first accepted reading), as the half-open period [t, t + 1 ms). */
  bindAt(t: number): boolean {
    return this.bind({ start: new Date(t).toISOString(), end: new Date(t + 1).toISOString() });
  }

  /** Do the GWPs bound so far also hold over `period` (one GWP period, the same values)? */
  holdsOver(period: Period): boolean {
    const gwp = this.binding;
    if (!gwp) return false;
    const whole = bindGwps(this.project, this.methodology, period);
    return whole.ok && sameGwps(gwp, whole.binding);
  }

  /** A period read from the rows must need the GWPs bound at its first reading: otherwise it is split at the boundary. */
  confirm(resultPeriod: Period): void {
    const gwp = this.binding;
    if (!gwp) return;
    const whole = bindGwps(this.project, this.methodology, resultPeriod);
    if (!whole.ok) for (const message of whole.messages) this.diag({ severity: 'error', code: whole.code, message, location: { file: this.fileName } });
    else if (!sameGwps(gwp, whole.binding))
      this.diag({
        severity: 'error',
        code: 'period.spans_gwp_boundary',
        message: `The rows of ${formatPeriod(resultPeriod)} need different GWPs (${gwp.label} at the first reading, ${whole.binding.label} for the whole period); split the upload at the boundary.`,
        location: { file: this.fileName },
      });
    else this.binding = whole.binding;
  }
}
