/** Bounds of the cross-format property test (test/fuzz/cross-format.test.ts), quoted by docs/guarantees.md. */
export const CROSS_FORMAT = { seed: 16_2026, numRuns: 2, endOnFailure: true } as const;
