import type { RangeBatch, RangeDeps } from './steps.ts';

let deps: RangeDeps | undefined;

/** Range worker of the large-upload state machine: one batch of byte ranges (the Distributed Map's item batcher). */
export const handler = async (batch: RangeBatch): Promise<{ readonly ranges: readonly number[] }> => {
  deps ??= (await import('./deps.ts')).createRangeDeps();
  const { calculateRangeBatch } = await import('./steps.ts');
  return calculateRangeBatch(deps, batch);
};
