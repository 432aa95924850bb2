import { z } from 'zod';

/** A quantity as stored and sent between stages: a decimal number written as a string (no exponent, no float noise). */
export const DecimalString = z.string().regex(/^-?\d+(?:\.\d+)?$/, 'expected a decimal number as a string');
