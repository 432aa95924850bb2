/** Rounding modes a registration can declare for a symbol (issue 11 item 12). `truncate` = towards zero. */
export const PROFILE_ROUNDING_MODES = ['truncate', 'floor', 'ceil', 'half-up', 'half-even'] as const;
export type ProfileRoundingMode = (typeof PROFILE_ROUNDING_MODES)[number];
