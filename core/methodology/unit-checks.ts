/**
 * Where the unit check of a methodology definition (core/methodology/check-units.ts: mathjs units,
 * the largest part of mathjs) runs.
 *
 * - **Default, everywhere** (CLI, `mrv methodology check`, tests, conformance suite):
 *   `defineMethodology` loads the checker and runs it on every definition; a module whose units do
 *   not combine is refused with a {@link MethodologyDefinitionError}, as always.
 * - **The ingest Lambda** calls {@link trustBuildTimeUnitChecks} with the build-time list
 *   `methodologies/units-checked.json` (`id@version` → module hash, written by
 *   test/unit/core/perf/units-checked.test.ts after it ran the check on every registered module)
 *   **before** any methodology module is loaded. `defineMethodology` then does not load mathjs units
 *   and accepts a definition only if its hash (which covers every column, parameter, equation,
 *   emission term and check with their units) is in that list under its key; any other definition
 *   is refused, so no unchecked content ever runs. The list going stale fails that test.
 *
 * The choice is made once, when core/methodology/define-methodology.ts is first evaluated: trusting
 * the list afterwards has no effect (the checker is already loaded and keeps running).
 */
let trusted: ReadonlyMap<string, string> | undefined;

/** Relies on the build-time list instead of loading the unit checker. Call before loading any methodology module. */
export function trustBuildTimeUnitChecks(checked: Readonly<Record<string, string>>): void {
  trusted = new Map(Object.entries(checked));
}

/** The build-time list, when this process relies on it; undefined when the checker runs. */
export function buildTimeUnitChecks(): ReadonlyMap<string, string> | undefined {
  return trusted;
}
