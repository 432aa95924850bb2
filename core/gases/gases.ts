/**
 * The greenhouse gases the pipeline knows: the Kyoto basket of the second commitment period
 * (Doha Amendment, Annex A: CO2, CH4, N2O, HFCs, PFCs, SF6 and NF3) at species level.
 *
 * `id` is how a gas is written in results and on the command line. HFCs use their designation
 * (formulas are ambiguous: HFC-134 and HFC-134a are both C2H2F4); PFCs, SF6 and NF3 their formula.
 * `symbol` is the id made safe for an equation (`GWP_c_C4F8`).
 */
export interface Gas {
  readonly id: string;
  readonly name: string;
  readonly formula: string;
  readonly family: 'CO2' | 'CH4' | 'N2O' | 'HFC' | 'PFC' | 'SF6' | 'NF3' | 'other-fluorinated' | 'other';
  readonly aliases: readonly string[];
}

const g = (id: string, name: string, formula: string, family: Gas['family'], aliases: string[] = []): Gas => ({ id, name, formula, family, aliases });

export const GASES: readonly Gas[] = [
  g('CO2', 'carbon dioxide', 'CO2', 'CO2'),
  g('CH4', 'methane', 'CH4', 'CH4'),
  g('N2O', 'nitrous oxide', 'N2O', 'N2O'),
  g('SF6', 'sulphur hexafluoride', 'SF6', 'SF6'),
  g('NF3', 'nitrogen trifluoride', 'NF3', 'NF3'),
  g('HFC-23', 'trifluoromethane', 'CHF3', 'HFC', ['CHF3']),
  g('HFC-32', 'difluoromethane', 'CH2F2', 'HFC', ['CH2F2']),
  g('HFC-41', 'fluoromethane', 'CH3F', 'HFC', ['CH3F']),
  g('HFC-125', 'pentafluoroethane', 'CHF2CF3', 'HFC'),
  g('HFC-134', '1,1,2,2-tetrafluoroethane', 'CHF2CHF2', 'HFC'),
  g('HFC-134a', '1,1,1,2-tetrafluoroethane', 'CH2FCF3', 'HFC'),
  g('HFC-143', '1,1,2-trifluoroethane', 'CH2FCHF2', 'HFC'),
  g('HFC-143a', '1,1,1-trifluoroethane', 'CH3CF3', 'HFC'),
  g('HFC-152', '1,2-difluoroethane', 'CH2FCH2F', 'HFC'),
  g('HFC-152a', '1,1-difluoroethane', 'CH3CHF2', 'HFC'),
  g('HFC-161', 'fluoroethane', 'CH3CH2F', 'HFC'),
  g('HFC-227ea', 'heptafluoropropane', 'CF3CHFCF3', 'HFC'),
  g('HFC-236cb', '1,1,1,2,2,3-hexafluoropropane', 'CH2FCF2CF3', 'HFC'),
  g('HFC-236ea', '1,1,1,2,3,3-hexafluoropropane', 'CHF2CHFCF3', 'HFC'),
  g('HFC-236fa', '1,1,1,3,3,3-hexafluoropropane', 'CF3CH2CF3', 'HFC'),
  g('HFC-245ca', '1,1,2,2,3-pentafluoropropane', 'CH2FCF2CHF2', 'HFC'),
  g('HFC-245fa', '1,1,1,3,3-pentafluoropropane', 'CHF2CH2CF3', 'HFC'),
  g('HFC-365mfc', '1,1,1,3,3-pentafluorobutane', 'CH3CF2CH2CF3', 'HFC'),
  g('HFC-43-10mee', 'decafluoropentane', 'CF3CHFCHFCF2CF3', 'HFC'),
  g('CF4', 'tetrafluoromethane', 'CF4', 'PFC', ['PFC-14']),
  g('C2F6', 'hexafluoroethane', 'C2F6', 'PFC', ['PFC-116']),
  g('C3F8', 'octafluoropropane', 'C3F8', 'PFC', ['PFC-218']),
  g('c-C4F8', 'octafluorocyclobutane', 'c-C4F8', 'PFC', ['PFC-318']),
  g('C4F10', 'perfluorobutane', 'C4F10', 'PFC', ['PFC-3-1-10']),
  g('C5F12', 'perfluoropentane', 'C5F12', 'PFC', ['PFC-4-1-12']),
  g('C6F14', 'perfluorohexane', 'C6F14', 'PFC', ['PFC-5-1-14']),
  g('C10F18', 'perfluorodecalin', 'C10F18', 'PFC', ['PFC-9-1-18']),
  g('c-C3F6', 'perfluorocyclopropane', 'c-C3F6', 'PFC'),
  g('SF5CF3', 'trifluoromethyl sulphur pentafluoride', 'SF5CF3', 'other-fluorinated'),
  // Not a gas: quantities a methodology states only as CO2 equivalent (e.g. the ACM0002 default
  // reservoir emission factor of 90 kg CO2e/MWh), kept apart from real CO2 in the per-gas breakdown.
  g('CO2e', 'CO2 equivalent (no species split)', 'CO2e', 'other'),
];

const byKey = new Map<string, Gas>();
for (const gas of GASES) for (const key of [gas.id, gas.formula, ...gas.aliases]) byKey.set(key.toLowerCase(), gas);

/** Finds a gas by id, formula or alias, case-insensitively (`nf3`, `PFC-14`, `CHF3`). */
export function findGas(name: string): Gas | undefined {
  return byKey.get(name.trim().toLowerCase());
}

/** The gas id as an equation symbol fragment: `c-C4F8` → `c_C4F8`, `HFC-134a` → `HFC_134a`. */
export function gasSymbol(id: string): string {
  return id.replace(/[^A-Za-z0-9]/g, '_');
}
