/**
 * The methodology modules this pipeline runs: an explicit, static list (no dynamic import, no
 * "latest"). Add a module by importing its `methodology.ts` and listing it here.
 */
import { createRegistry } from '#core/methodology/registry';
import arSmallScale_1_0_0 from './ar-small-scale/1.0.0/methodology.ts';
import ccsStorage_1_0_0 from './ccs-storage/1.0.0/methodology.ts';
import fgasAbatement_1_0_0 from './fgas-abatement/1.0.0/methodology.ts';
import gridRenewable_1_0_0 from './grid-renewable/1.0.0/methodology.ts';
import jcmChiller_1_0_0 from './jcm-chiller/1.0.0/methodology.ts';
import jcmSolarPv_1_0_0 from './jcm-solar-pv/1.0.0/methodology.ts';
import landfillGas_1_0_0 from './landfill-gas/1.0.0/methodology.ts';
import manureMethane_1_0_0 from './manure-methane/1.0.0/methodology.ts';

export const registry = createRegistry([gridRenewable_1_0_0, fgasAbatement_1_0_0, landfillGas_1_0_0, manureMethane_1_0_0, ccsStorage_1_0_0, jcmSolarPv_1_0_0, jcmChiller_1_0_0, arSmallScale_1_0_0]);
