/**
 * Neumaier's compensated summation: the error of a sum of n doubles stays near one rounding error
 * instead of growing with n, so a year of 15-minute readings adds up to what decimal arithmetic gives.
 */
export class CompensatedSum {
  private sum = 0;
  private compensation = 0;
  add(x: number): void {
    const t = this.sum + x;
    if (Math.abs(this.sum) >= Math.abs(x)) this.compensation += this.sum - t + x;
    else this.compensation += x - t + this.sum;
    this.sum = t;
  }
  get value(): number {
    return this.sum + this.compensation;
  }
}
