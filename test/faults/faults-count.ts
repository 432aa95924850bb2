/** Tally of injected faults per test file, printed at the end so the README can cite the figure. */
export const tally = { faults: 0, scenarios: 0 };
export function report(file: string): void {
  console.log(`[faults] ${file}: ${tally.faults} faults injected over ${tally.scenarios} scenarios`);
}
