/**
 * The methodology modules this pipeline runs: an explicit, static list (no dynamic import, no
 * "latest"). Add a module by importing its `methodology.ts` and listing it here.
 */
import { createRegistry } from '#core/methodology/registry';
import fgasAbatement_1_0_0 from './fgas-abatement/1.0.0/methodology.ts';
import gridRenewable_1_0_0 from './grid-renewable/1.0.0/methodology.ts';

export const registry = createRegistry([gridRenewable_1_0_0, fgasAbatement_1_0_0]);
