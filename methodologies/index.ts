/**
 * The methodology modules this pipeline runs: an explicit, static list (no "latest", no import path
 * built from a name). Add a module by adding its key and the import of its `methodology.ts` here.
 *
 * Each module loads on its own: one whose definition is broken is listed by `mrv methodologies` as
 * failed and refused by the commands that need it, while every other module and command keeps working.
 */
import { loadRegistry, type MethodologyLoader } from '#core/methodology/registry';
import { SUPERSEDED } from './superseded.ts';

export const MODULES: readonly MethodologyLoader[] = [
  ['grid-renewable@1.0.0', () => import('./grid-renewable/1.0.0/methodology.ts')],
  ['fgas-abatement@1.0.0', () => import('./fgas-abatement/1.0.0/methodology.ts')],
  ['landfill-gas@1.0.0', () => import('./landfill-gas/1.0.0/methodology.ts')],
  ['manure-methane@1.0.0', () => import('./manure-methane/1.0.0/methodology.ts')],
  ['ccs-storage@1.0.0', () => import('./ccs-storage/1.0.0/methodology.ts')],
  ['jcm-solar-pv@1.0.0', () => import('./jcm-solar-pv/1.0.0/methodology.ts')],
  ['jcm-chiller@1.0.0', () => import('./jcm-chiller/1.0.0/methodology.ts')],
  ['ar-small-scale@1.0.0', () => import('./ar-small-scale/1.0.0/methodology.ts')],
  ['grid-renewable@1.1.0', () => import('./grid-renewable/1.1.0/methodology.ts')],
  ['ccs-storage@1.1.0', () => import('./ccs-storage/1.1.0/methodology.ts')],
  ['fgas-abatement@2.0.0', () => import('./fgas-abatement/2.0.0/methodology.ts')],
  ['landfill-gas@2.0.0', () => import('./landfill-gas/2.0.0/methodology.ts')],
  ['manure-methane@1.1.0', () => import('./manure-methane/1.1.0/methodology.ts')],
  ['refrigerant-leak@1.0.0', () => import('./refrigerant-leak/1.0.0/methodology.ts')],
  ['landfill-gas@2.1.0', () => import('./landfill-gas/2.1.0/methodology.ts')],
];

export { SUPERSEDED };

export const registry = await loadRegistry(MODULES, SUPERSEDED);
