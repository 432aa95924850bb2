/**
 * The ingest Lambda does not load the unit checker (mathjs units, ≈0.2 MB and most of the start-up
 * time it used to cost): it relies on the build-time list of modules whose units were checked, and
 * `defineMethodology` refuses any module whose content is not on it (core/methodology/unit-checks.ts).
 * deps.ts imports this module first, before the methodology modules.
 */
import checked from '../../methodologies/units-checked.json' with { type: 'json' };
import { trustBuildTimeUnitChecks } from '../../core/methodology/unit-checks.ts';

trustBuildTimeUnitChecks(checked as Record<string, string>);
