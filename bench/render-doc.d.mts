/** Types of bench/render-doc.mjs (plain JavaScript so that `npm run bench` needs no compiler). */
export type Figure = number | { min: number; max: number };
export interface BenchRecord {
  case: string;
  source?: string;
  [field: string]: unknown;
}
export interface BenchRun {
  date: string | null;
  source: string;
  transcribed?: boolean;
  writtenOn?: string;
  writtenIn?: string;
  commit?: string;
  uncommittedChanges?: boolean;
  machine: {
    cores?: number;
    niceness?: number;
    node?: string;
    loadAverageAtStart?: number[];
    loadAverageAtEnd?: number[];
    loadAverage?: Figure;
    note?: string;
    platform?: string;
  };
  records: BenchRecord[];
}
export interface BenchRecords {
  about?: string[];
  runs: BenchRun[];
}
export const END: string;
export function begin(name: string): string;
export const COST: {
  pricePerGbS: number;
  pricePerMillionRequests: number;
  lambdaMemoryMb: number;
  vcpuMemoryMb: number;
  budgetS: number;
  margin: number;
  awsCalls: number;
  assumedCallS: { min: number; max: number };
};
export const CASES: [string, string][];
export function n3(x: number): string;
export function reach(
  data: BenchRecords,
  largeUploadBytes: number,
): { slowestLambdaMbPerS: number; reachGb: number; withMarginGb: number; thresholdGb: number; marginAtThreshold: number };
export function xlsxReach(data: BenchRecords): { lambdaMbPerS: number; reachMb: number; withMarginMb: number };
export function renderBlocks(
  data: BenchRecords,
  config: { largeUploadBytes: number },
): {
  'performance.md': Record<'cases' | 'targets' | 'workers' | 'load' | 'cost-measured' | 'cost-uploads' | 'cost-per-gb', string>;
  'README.md': Record<'load-runs', string>;
};
export function replaceBlocks(text: string, blocks: Record<string, string>): { text: string; missing: string[]; changed: string[] };
