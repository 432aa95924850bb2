import { decimalFromFloat } from './rounding.ts';

/**
 * Exact sums of doubles (Shewchuk 1997, "Adaptive precision floating-point arithmetic"; the algorithm of
 * Python's `math.fsum`): see core/calculation/partial.ts for why the pipeline needs them.
 */
/** Exact sum of doubles as a non-overlapping expansion (increasing magnitude), see the module doc. */
export class ExactSum {
  private readonly p: number[] = [];

  static of(terms: readonly number[]): ExactSum {
    const s = new ExactSum();
    for (const t of terms) s.add(t);
    return s;
  }

  add(value: number): void {
    const p = this.p;
    let x = value;
    let i = 0;
    for (let j = 0; j < p.length; j++) {
      let y = p[j]!;
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) p[i++] = lo;
      x = hi;
    }
    p.length = i;
    p.push(x);
  }

  /** Adds another exact sum (exactly). */
  addAll(other: ExactSum): void {
    for (const t of other.p) this.add(t);
  }

  /** The expansion: doubles whose exact sum is the total. */
  get terms(): readonly number[] {
    return this.p.filter((t) => t !== 0);
  }

  /** The total rounded once to the nearest double (ties to even), as `math.fsum` does. */
  get value(): number {
    const p = this.p;
    let n = p.length;
    if (n === 0) return 0;
    let hi = p[--n]!;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = p[--n]!;
      hi = x + y;
      const yr = hi - x;
      lo = y - yr;
      if (lo !== 0) break;
    }
    // Correct a half-way case the loop rounded the wrong way.
    if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }

  /** The decimal the period equations read (15 significant digits, see rounding.ts). */
  decimal(): string {
    return decimalFromFloat(this.value).toString();
  }
}
