import type { Diagnostic } from '../../validation/diagnostic.ts';

/** Adds a diagnostic; its source defaults to the methodology's key. */
export type Diag = (d: Omit<Diagnostic, 'source'> & { source?: string }) => void;
