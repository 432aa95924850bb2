/**
 * The emissions stage: each emission term of the methodology (BE, PE, LE per gas) in tonnes of its gas and
 * in t CO2e with the GWP in force, per gas and in total. Exact decimals throughout.
 */
import { findGas } from '../../gases/gases.ts';
import type { Methodology } from '../../methodology/define-methodology.ts';
import { isBigNumber, type BigNumber } from '../../expressions/decimal.ts';
import type { GwpBinding } from '../gwp-binding.ts';
import type { GasBreakdown } from '../result.ts';
import { Dec, reportQuantity } from '../rounding.ts';

type Amount = { t: Dec; co2e: Dec };
type Category = 'BE' | 'PE' | 'LE';

export interface Emissions {
  /** Totals in t CO2e. */
  readonly BE: Dec;
  readonly PE: Dec;
  readonly LE: Dec;
  readonly gases: GasBreakdown[];
}

const zero = (): Amount => ({ t: new Dec(0), co2e: new Dec(0) });

export function emissionsOf(methodology: Methodology, scope: ReadonlyMap<string, BigNumber | boolean>, gwp: GwpBinding): Emissions {
  const perGas = new Map<string, Record<Category, Amount>>();
  for (const term of methodology.emissions) {
    const gas = findGas(term.gas)!.id;
    const value = scope.get(term.symbol);
    const t = new Dec(isBigNumber(value) ? value.toString() : value ? 1 : 0);
    const gwpValue = new Dec(gwp.values.get(gas)!.value);
    const entry = perGas.get(gas) ?? { BE: zero(), PE: zero(), LE: zero() };
    entry[term.category].t = entry[term.category].t.plus(t);
    entry[term.category].co2e = entry[term.category].co2e.plus(t.times(gwpValue));
    perGas.set(gas, entry);
  }
  let BE = new Dec(0);
  let PE = new Dec(0);
  let LE = new Dec(0);
  const gases: GasBreakdown[] = [];
  const q = (x: Amount) => ({ t: reportQuantity(x.t), tCO2e: reportQuantity(x.co2e) });
  for (const [gas, e] of perGas) {
    BE = BE.plus(e.BE.co2e);
    PE = PE.plus(e.PE.co2e);
    LE = LE.plus(e.LE.co2e);
    gases.push({
      gas,
      gwp: gwp.values.get(gas)!.value,
      BE: q(e.BE),
      PE: q(e.PE),
      LE: q(e.LE),
      ER: reportQuantity(e.BE.co2e.minus(e.PE.co2e).minus(e.LE.co2e)),
    });
  }
  return { BE, PE, LE, gases };
}
