/**
 * Refrigerants by their ASHRAE designation (R-410A, R-134a, …): pure HFCs and the blends in common use,
 * with the nominal composition by mass of ASHRAE Standard 34 ("Designation and Safety Classification of
 * Refrigerants", refrigerant blends table).
 *
 * A blend is not a gas of the Kyoto basket: its components are. A blend GWP is therefore computed from
 * the components for each IPCC set (Σ mass fraction × GWP), and a methodology books each component as
 * tonnes of its own gas. Components outside the Kyoto basket (HFOs, hydrocarbons, HCFCs) are known, but
 * count 0 in Kyoto-basket accounting and are named as such; a refrigerant made only of HCFCs earns
 * no credit at all — HCFCs are ozone-depleting substances of the Montreal Protocol, not Kyoto gases.
 */
import Decimal from 'decimal.js';
import { ConfigError } from '../errors.ts';
import { findGas } from './gases.ts';
import { gwpOf, type GwpOverrides, type GwpSetId } from './gwp.ts';

/** A substance in a refrigerant that is not a gas of the Kyoto basket. */
export interface NonKyotoSubstance {
  readonly id: string;
  readonly name: string;
  readonly kind: 'HCFC' | 'HFO' | 'hydrocarbon';
  /** Why it earns and costs nothing in Kyoto-basket accounting. */
  readonly reason: string;
}

const MONTREAL =
  'an HCFC, an ozone-depleting substance controlled by the Montreal Protocol (Annex C); not in the Kyoto basket (Kyoto Protocol Annex A, as amended at Doha): no credits';
const NOT_ANNEX_A = 'not a gas of the Kyoto basket (Kyoto Protocol Annex A, as amended at Doha, decision 1/CMP.8): counted as 0 in Kyoto-basket accounting';

export const NON_KYOTO: readonly NonKyotoSubstance[] = [
  { id: 'HCFC-22', name: 'chlorodifluoromethane', kind: 'HCFC', reason: MONTREAL },
  { id: 'HCFC-124', name: '2-chloro-1,1,1,2-tetrafluoroethane', kind: 'HCFC', reason: MONTREAL },
  { id: 'HCFC-142b', name: '1-chloro-1,1-difluoroethane', kind: 'HCFC', reason: MONTREAL },
  { id: 'HFO-1234yf', name: '2,3,3,3-tetrafluoropropene', kind: 'HFO', reason: NOT_ANNEX_A },
  { id: 'HFO-1234ze(E)', name: 'trans-1,3,3,3-tetrafluoropropene', kind: 'HFO', reason: NOT_ANNEX_A },
  { id: 'R-600a', name: 'isobutane', kind: 'hydrocarbon', reason: NOT_ANNEX_A },
  { id: 'R-290', name: 'propane', kind: 'hydrocarbon', reason: NOT_ANNEX_A },
];

/** One component of a refrigerant: a Kyoto gas id (core/gases) or a {@link NonKyotoSubstance} id, and its mass fraction. */
export interface Component {
  readonly substance: string;
  /** Mass fraction as an exact decimal string ("0.5"). */
  readonly fraction: string;
}

export interface Refrigerant {
  /** ASHRAE designation, e.g. `R-410A`. */
  readonly id: string;
  readonly kind: 'pure' | 'zeotropic' | 'azeotropic';
  readonly components: readonly Component[];
  /** Where the composition comes from. */
  readonly source: string;
  /** `unverified`: the composition was not checked against the text of the standard in this release. */
  readonly confidence: 'confirmed' | 'unverified';
}

const ASHRAE34 = 'ASHRAE Standard 34 (Designation and Safety Classification of Refrigerants), refrigerant blends table: nominal composition, mass %';
const PURE = 'ASHRAE Standard 34 number of a single compound (R-32 = HFC-32, …): 100 %';
const c = (substance: string, percent: string): Component => ({ substance, fraction: (Number(percent) / 100).toString() });
const blend = (id: string, kind: Refrigerant['kind'], parts: readonly (readonly [string, string])[], note = ''): Refrigerant => ({
  id,
  kind,
  components: parts.map(([s, p]) => c(s, p)),
  source: `${ASHRAE34}: ${id} = ${parts.map(([s]) => s.replace(/^(HFC|HCFC|HFO)-/, 'R-')).join('/')} (${parts.map(([, p]) => p).join('/')})${note}`,
  confidence: 'unverified',
});
const pure = (id: string, substance: string): Refrigerant => ({
  id,
  kind: 'pure',
  components: [c(substance, '100')],
  source: `${PURE}: ${id} = ${substance}`,
  confidence: 'confirmed',
});

export const REFRIGERANTS: readonly Refrigerant[] = [
  pure('R-23', 'HFC-23'),
  pure('R-32', 'HFC-32'),
  pure('R-125', 'HFC-125'),
  pure('R-134a', 'HFC-134a'),
  pure('R-143a', 'HFC-143a'),
  pure('R-152a', 'HFC-152a'),
  pure('R-227ea', 'HFC-227ea'),
  pure('R-236fa', 'HFC-236fa'),
  pure('R-245fa', 'HFC-245fa'),
  pure('R-22', 'HCFC-22'),
  blend('R-404A', 'zeotropic', [
    ['HFC-125', '44'],
    ['HFC-143a', '52'],
    ['HFC-134a', '4'],
  ]),
  blend('R-407A', 'zeotropic', [
    ['HFC-32', '20'],
    ['HFC-125', '40'],
    ['HFC-134a', '40'],
  ]),
  blend('R-407C', 'zeotropic', [
    ['HFC-32', '23'],
    ['HFC-125', '25'],
    ['HFC-134a', '52'],
  ]),
  blend('R-407F', 'zeotropic', [
    ['HFC-32', '30'],
    ['HFC-125', '30'],
    ['HFC-134a', '40'],
  ]),
  blend('R-410A', 'zeotropic', [
    ['HFC-32', '50'],
    ['HFC-125', '50'],
  ]),
  blend('R-422D', 'zeotropic', [
    ['HFC-125', '65.1'],
    ['HFC-134a', '31.5'],
    ['R-600a', '3.4'],
  ]),
  blend('R-448A', 'zeotropic', [
    ['HFC-32', '26'],
    ['HFC-125', '26'],
    ['HFO-1234yf', '20'],
    ['HFC-134a', '21'],
    ['HFO-1234ze(E)', '7'],
  ]),
  blend('R-449A', 'zeotropic', [
    ['HFC-32', '24.3'],
    ['HFC-125', '24.7'],
    ['HFO-1234yf', '25.3'],
    ['HFC-134a', '25.7'],
  ]),
  blend('R-452A', 'zeotropic', [
    ['HFC-32', '11'],
    ['HFC-125', '59'],
    ['HFO-1234yf', '30'],
  ]),
  blend('R-454B', 'zeotropic', [
    ['HFC-32', '68.9'],
    ['HFO-1234yf', '31.1'],
  ]),
  blend('R-507A', 'azeotropic', [
    ['HFC-125', '50'],
    ['HFC-143a', '50'],
  ]),
  blend('R-513A', 'azeotropic', [
    ['HFO-1234yf', '56'],
    ['HFC-134a', '44'],
  ]),
];

const byKey = new Map<string, Refrigerant>();
for (const r of REFRIGERANTS) {
  // R-410A, r410a, R410A
  byKey.set(r.id.toLowerCase(), r);
  byKey.set(r.id.replace('-', '').toLowerCase(), r);
}

/** Finds a refrigerant by its ASHRAE designation, with or without the hyphen, case-insensitively. */
export function findRefrigerant(name: string): Refrigerant | undefined {
  return byKey.get(name.trim().toLowerCase());
}

/** The substance a component names outside the Kyoto basket, if it is one. */
export function nonKyoto(substance: string): NonKyotoSubstance | undefined {
  return NON_KYOTO.find((s) => s.id === substance);
}

/** Whether any component of the refrigerant is a Kyoto gas (R-22 has none). */
export function hasKyotoComponent(r: Refrigerant): boolean {
  return r.components.some((x) => findGas(x.substance) !== undefined);
}

/** Sum of the mass fractions: 1 for every listed refrigerant (checked at import). */
function fractionSum(r: Refrigerant): number {
  return r.components.reduce((s, x) => s + Math.round(Number(x.fraction) * 1e6), 0) / 1e6;
}

for (const r of REFRIGERANTS) {
  if (Math.abs(fractionSum(r) - 1) > 1e-9) throw new Error(`refrigerant ${r.id}: mass fractions sum to ${fractionSum(r)}, not 1`);
  for (const x of r.components) if (!findGas(x.substance) && !nonKyoto(x.substance)) throw new Error(`refrigerant ${r.id}: unknown component ${x.substance}`);
}

/** One component's share of a blend GWP. */
export interface ComponentGwp {
  readonly substance: string;
  readonly fraction: string;
  /** GWP of the component in the set; null outside the Kyoto basket (counted 0). */
  readonly gwp: string | null;
  readonly contribution: string;
  readonly source: string;
}

export interface BlendGwp {
  readonly refrigerant: string;
  readonly set: GwpSetId;
  /** Σ fraction × GWP over the Kyoto components, exact decimal. */
  readonly value: string;
  readonly components: readonly ComponentGwp[];
  /** Components outside the Kyoto basket (counted 0), with the reason. */
  readonly excluded: readonly NonKyotoSubstance[];
  readonly source: string;
  readonly confidence: 'confirmed' | 'unverified';
}

/**
 * The 100-year GWP of a refrigerant in one IPCC set, computed from its components: Σ mass fraction ×
 * GWP of the component (core/gases/gwp.ts). Components outside the Kyoto basket count 0 and are listed.
 * Throws {@link NotInKyotoBasketError} for a refrigerant with no Kyoto component, and
 * GwpNotDefinedError when a component has no value in the set.
 *
 * @example blendGwp(findRefrigerant('R-410A')!, 'AR4').value // '2087.5'
 */
export function blendGwp(r: Refrigerant, set: GwpSetId, overrides: GwpOverrides = {}): BlendGwp {
  if (!hasKyotoComponent(r)) {
    const reasons = r.components.map((x) => `${x.substance}: ${nonKyoto(x.substance)?.reason ?? 'not a Kyoto gas'}`);
    throw new NotInKyotoBasketError(r.id, reasons.join('; '));
  }
  let total = new Decimal(0);
  let confidence: BlendGwp['confidence'] = r.confidence;
  const components: ComponentGwp[] = [];
  const excluded: NonKyotoSubstance[] = [];
  for (const x of r.components) {
    const outside = nonKyoto(x.substance);
    if (outside) {
      excluded.push(outside);
      components.push({ substance: x.substance, fraction: x.fraction, gwp: null, contribution: '0', source: outside.reason });
      continue;
    }
    const g = gwpOf(x.substance, set, overrides);
    if (g.confidence === 'unsure') confidence = 'unverified';
    const contribution = new Decimal(x.fraction).times(g.value);
    total = total.plus(contribution);
    components.push({ substance: g.gas, fraction: x.fraction, gwp: g.value, contribution: contribution.toString(), source: g.source });
  }
  return { refrigerant: r.id, set, value: total.toString(), components, excluded, source: r.source, confidence };
}

/** A refrigerant with no component in the Kyoto basket (an HCFC such as R-22): known, but it earns no credit. */
export class NotInKyotoBasketError extends ConfigError {
  override name = 'NotInKyotoBasketError';
  constructor(
    readonly refrigerant: string,
    why: string,
  ) {
    super(`${refrigerant} is outside the Kyoto basket: no GWP is used for credits (${why}).`);
  }
}
