/**
 * The catalogue of diagnostic codes. Codes are stable (reports and tests rely on them); messages
 * are built where the problem is found and say what to change.
 */
export const CODES = {
  // The file as a whole.
  'file.empty': 'The file has no content.',
  'file.unreadable': 'The file could not be read in the declared format (binary, truncated, encrypted or malformed).',
  'file.encoding': 'The file is not valid UTF-8 text (UTF-16 or Latin-1 are not accepted: save it as UTF-8).',
  'file.no_records': 'The file has a header but no data rows.',
  'file.too_large': 'The file exceeds a safety limit (record length, uncompressed size or compression ratio).',
  'file.not_calculated':
    'A file too large for one pass could not be calculated in byte ranges (not CSV, not safely splittable, or a range failed after its retries); no result was produced.',
  'file.unknown_format': 'The file type is not CSV, JSON, NDJSON or XLSX.',
  'file.sheet_selected': 'A workbook has several tabs: names the one read (the first visible) and those not read.',
  // Header / columns.
  'header.missing_column':
    'A column the methodology requires is absent (or an optional project-side column whose emission source the site has, per its registration).',
  'header.unknown_column': 'A column the methodology does not define is present (ignored).',
  'header.misspelled_column':
    'A column the methodology does not define is within a small edit distance of one it does (did you mean …?); refused, not ignored.',
  'header.duplicate_column': 'The same column appears twice.',
  'header.empty_column_name': 'A column has no name.',
  'header.unit_converted': 'A column stated in a compatible unit was converted to the methodology unit.',
  'header.unknown_unit': 'A column states a unit that is unknown or not convertible to the methodology unit.',
  // Structure of a record.
  'record.field_count': 'A row has more or fewer fields than the header.',
  'record.malformed': 'A record could not be parsed (unterminated quote, invalid JSON).',
  'record.not_an_object': 'A JSON record is not an object of column → value.',
  // Values.
  'row.missing_value': 'A required value is empty.',
  'row.not_a_number': 'A value is not a number.',
  'row.not_finite': 'A value is NaN, Infinity or too large to be a measurement.',
  'row.decimal_comma': 'A number uses a decimal comma; use a point.',
  'row.thousands_separator': 'A number contains a thousands separator; remove it.',
  'row.below_minimum': 'A value is below its allowed range.',
  'row.above_maximum': 'A value is above its allowed range.',
  'row.invalid_timestamp':
    'A timestamp is not a valid ISO 8601 date or date-time, is a local time a DST change makes ambiguous or skips, or mixes times with and without offsets in one file.',
  'row.invalid_boolean': 'A value is not a boolean (true/false, yes/no, 1/0).',
  'row.invalid_enum': 'A value is not one of the allowed values.',
  'row.invalid_value': 'A value is not valid for its column.',
  'row.check_failed': 'A methodology consistency check failed for a row.',
  // Time and period (QA/QC).
  'period.outside': 'A row lies outside the declared monitoring period.',
  'period.duplicate_timestamp': 'Two rows have the same timestamp.',
  'period.overlap': 'Two rows cover overlapping intervals.',
  'period.gap': 'Expected monitoring intervals are missing.',
  'period.off_grid': "Readings are not stamped at interval boundaries of the site's clock.",
  'period.spans_gwp_boundary': 'The monitoring period spans two commitment periods with different GWP sets.',
  'period.outside_crediting': 'The monitoring period is not inside the crediting period.',
  'period.parts_clock_mismatch': 'Parts of a monitoring report were counted on another site clock than the registration now has.',
  'qaqc.calibration_overdue': 'Readings taken while a meter calibration was overdue were adjusted by the maximum permissible error.',
  // Calculation.
  'equation.non_finite': 'An equation produced a non-finite value (division by zero, overflow).',
  'equation.error': 'An equation could not be evaluated.',
  'period.source_not_at_site': "A file reports a quantity of an emission source the registration's monitoring plan says the site does not have.",
  'period.check_failed': 'A methodology consistency check failed for the monitoring period.',
  'period.small_scale_cap': 'The period exceeds the small-scale limit of its methodology; units are issued only up to the limit.',
  'period.rounding_raises_result': 'A registered rounding of an intermediate value raises the result of the period; rounding as registered may only lower it.',
  'gwp.not_defined': 'A gas has no GWP in the set the mechanism requires for this period.',
  // Project.
  'project.invalid': 'The project registration is invalid.',
  'project.methodology_mismatch': 'The upload names a methodology version other than the registered one.',
  'applicability.not_met': 'An applicability condition of the methodology is not met.',
} as const;

export type DiagnosticCode = keyof typeof CODES;
