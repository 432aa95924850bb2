import type { Period } from '../mechanisms/mechanisms.ts';
import type { MethodologyRegistry } from '../methodology/registry.ts';
import type { Project } from '../project/project.ts';
import type { ByteSource, MonitoringFormat } from '../readers/types.ts';
import type { PartialResult } from './partial.ts';

/** What {@link import('./calculate.ts').calculate} is given: one monitoring file and the registration it is read for. */
export interface CalculateInput {
  readonly source: ByteSource;
  /** Shown in every diagnostic: the S3 key or the local path. */
  readonly fileName: string;
  /** Detected from the file name (and first bytes) when absent. */
  readonly format?: MonitoringFormat;
  /** A registration that passed `resolveProject`. */
  readonly project: Project;
  readonly registry: MethodologyRegistry;
  /** Declared monitoring period; rows outside it are errors. Derived from the rows when absent. */
  readonly period?: Period;
  /** How many diagnostics are listed in full (all are counted). Default 1000. */
  readonly maxDiagnostics?: number;
  /**
   * For XLSX: the last bytes of the file (up to `ZIP_TAIL_BYTES`), so the zip directory can be checked
   * for a zip bomb before anything is inflated. Callers that can read the end of the object pass it
   * (the CLI from disk, the ingest function with a ranged GET).
   */
  readonly archiveTail?: Uint8Array;
  /** Called with the number of bytes read so far (for a progress bar). */
  readonly onProgress?: (bytes: number) => void;
  /** Called once with the rows' partial result (core/calculation/partial.ts), e.g. to store it with the upload. */
  readonly onPartial?: (partial: PartialResult) => void;
  /**
   * Called once the rows are read, with the timestamp convention the first reading set (with an offset,
   * or local times of the site): a byte range of a file (core/calculation/split.ts) is checked against the
   * file's convention with it.
   */
  readonly onTimeConvention?: (convention: 'local' | 'offset' | undefined) => void;
}

/** A period calculated from the partial results of its parts (uploads, byte ranges) instead of a file. */
export interface CalculateMergedInput extends Omit<CalculateInput, 'source' | 'format' | 'archiveTail' | 'onProgress'> {
  readonly partials: readonly PartialResult[];
}
