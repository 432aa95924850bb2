import { GwpNotDefinedError, ConfigError } from '../errors.ts';
import Decimal from 'decimal.js';
import { findGas, GASES } from './gases.ts';
import { Dec } from '../quantity/decimal.ts';

/** The IPCC assessment reports whose 100-year GWPs a mechanism may require. */
export const GWP_SET_IDS = ['SAR', 'AR4', 'AR5', 'AR6'] as const;
export type GwpSetId = (typeof GWP_SET_IDS)[number];

export interface GwpSet {
  readonly id: GwpSetId;
  readonly title: string;
  readonly source: string;
}

/**
 * Where each column of {@link GWP_TABLE} comes from. The values were taken from the
 * openclimatedata/globalwarmingpotentials compilation (SAR/AR4/AR5 via the GHG Protocol GWP table of
 * Feb 2016; AR6 via AR6 WG1 Table 7.SM.7); see ../shared/domain.md §2.
 */
export const GWP_SETS: Readonly<Record<GwpSetId, GwpSet>> = {
  SAR: { id: 'SAR', title: 'IPCC Second Assessment Report (1995), 100-year', source: 'IPCC SAR WG1 Table 2.9; required for Kyoto CP1 by decision 2/CP.3' },
  AR4: {
    id: 'AR4',
    title: 'IPCC Fourth Assessment Report (2007), 100-year',
    source: 'IPCC AR4 WG1 Table 2.14 (errata); required for Kyoto CP2 by decision 4/CMP.7',
  },
  AR5: {
    id: 'AR5',
    title: 'IPCC Fifth Assessment Report (2013), 100-year, without climate-carbon feedback',
    source: 'IPCC AR5 WG1 Table 8.A.1; Paris Agreement reporting per decision 18/CMA.1 annex para 37',
  },
  AR6: { id: 'AR6', title: 'IPCC Sixth Assessment Report (2021), 100-year', source: 'IPCC AR6 WG1 Table 7.SM.7' },
};

/**
 * A value of the table. `confidence: 'unsure'` marks AR4 values that the source compilation left blank
 * (the CP2 Annex A additions, taken from AR4 Table 2.14 from memory): verify against the annex of
 * decision 4/CMP.7 before relying on them, or override them in the project registration.
 */
export interface GwpValue {
  readonly value: string;
  readonly confidence: 'confirmed' | 'unsure';
  readonly note?: string;
}

type Cell = string | null | readonly [string, string];
// gas id: [SAR, AR4, AR5, AR6]. null = not assessed in that report; [value, note] = unsure value.
const ROWS: Record<string, readonly [Cell, Cell, Cell, Cell]> = {
  CO2: ['1', '1', '1', '1'],
  CH4: ['21', '25', '28', ['27.9', 'AR6 generic value; AR6 Table 7.15 gives fossil 29.8 and non-fossil 27.0: override per project if required']],
  N2O: ['310', '298', '265', '273'],
  SF6: ['23900', '22800', '23500', '25200'],
  NF3: [null, '17200', '16100', '17400'],
  'HFC-23': ['11700', '14800', '12400', '14600'],
  'HFC-32': ['650', '675', '677', '771'],
  'HFC-41': ['150', ['92', 'CP2 addition, verify'], '116', '135'],
  'HFC-125': ['2800', '3500', '3170', '3740'],
  'HFC-134': ['1000', ['1100', 'CP2 addition, verify'], '1120', '1260'],
  'HFC-134a': ['1300', '1430', '1300', '1530'],
  'HFC-143': ['300', ['353', 'CP2 addition, verify'], '328', '364'],
  'HFC-143a': ['3800', '4470', '4800', '5810'],
  'HFC-152': [null, ['53', 'CP2 addition, verify'], '16', '21.5'],
  'HFC-152a': ['140', '124', '138', '164'],
  'HFC-161': [null, ['12', 'CP2 addition, verify'], '4', '4.84'],
  'HFC-227ea': ['2900', '3220', '3350', '3600'],
  'HFC-236cb': [null, ['1340', 'CP2 addition, verify'], '1210', '1350'],
  'HFC-236ea': [null, ['1370', 'CP2 addition, verify'], '1330', '1500'],
  'HFC-236fa': ['6300', '9810', '8060', '8690'],
  'HFC-245ca': ['560', ['693', 'CP2 addition, verify'], '716', '787'],
  'HFC-245fa': [null, '1030', '858', '962'],
  'HFC-365mfc': [null, '794', '804', '914'],
  'HFC-43-10mee': ['1300', '1640', '1650', '1600'],
  CF4: ['6500', '7390', '6630', '7380'],
  C2F6: ['9200', '12200', '11100', '12400'],
  C3F8: ['7000', '8830', '8900', '9290'],
  'c-C4F8': ['8700', '10300', '9540', '10200'],
  C4F10: ['7000', '8860', '9200', '10000'],
  C5F12: ['7500', '9160', '8550', '9220'],
  C6F14: ['7400', '9300', '7910', '8620'],
  C10F18: [null, ['7500', 'AR4 gives ">7,500"; lower bound used, verify'], '7190', '7480'],
  'c-C3F6': [null, ['17340', 'AR4 gives ">17,340"; lower bound used, verify'], '9200', null],
  SF5CF3: [null, '17700', '17400', '18500'],
  // By definition: a tonne of CO2 equivalent is 1 tCO2e in every set.
  CO2e: ['1', '1', '1', '1'],
};

/** The whole table: gas id → set → value (absent where the report did not assess the gas). */
export const GWP_TABLE: ReadonlyMap<string, Readonly<Partial<Record<GwpSetId, GwpValue>>>> = new Map(
  Object.entries(ROWS).map(([gas, cells]) => {
    const entry: Partial<Record<GwpSetId, GwpValue>> = {};
    GWP_SET_IDS.forEach((set, i) => {
      const cell = cells[i];
      if (cell === null || cell === undefined) return;
      entry[set] = typeof cell === 'string' ? { value: cell, confidence: 'confirmed' } : { value: cell[0], confidence: 'unsure', note: cell[1] };
    });
    return [gas, entry];
  }),
);

for (const gas of GASES) if (!GWP_TABLE.has(gas.id)) throw new Error(`GWP table has no row for ${gas.id}`);

/** A project may override single values (with their source) where the table is unsure. */
export type GwpOverrides = Readonly<Record<string, { value: number; source: string }>>;

export interface ResolvedGwp {
  readonly gas: string;
  readonly set: GwpSetId;
  /** Decimal string, exact as published. */
  readonly value: string;
  readonly source: string;
  readonly confidence: 'confirmed' | 'unsure' | 'override';
  /** For an override: the value of the set it replaces (absent when the set does not cover the gas). */
  readonly replaces?: string;
}

/**
 * The GWP of one gas in one set. Throws {@link GwpNotDefinedError} when the set does not cover the
 * gas (NF3 under SAR): a missing GWP is a configuration error, never a silent zero.
 *
 * @example gwpOf('NF3', 'AR4').value // '17200'
 */
export function gwpOf(gasName: string, set: GwpSetId, overrides: GwpOverrides = {}): ResolvedGwp {
  const gas = findGas(gasName);
  if (!gas) throw new ConfigError(`Unknown gas "${gasName}". Known gases: ${GASES.map((x) => x.id).join(', ')}.`);
  const override = overrides[gas.id];
  const cell = GWP_TABLE.get(gas.id)?.[set];
  // Exact plain decimal (never exponent form: the review item's schema takes decimal strings only).
  if (override)
    return {
      gas: gas.id,
      set,
      value: new Dec(override.value).toFixed(),
      source: override.source,
      confidence: 'override',
      ...(cell ? { replaces: cell.value } : {}),
    };
  if (!cell) {
    const why =
      set === 'SAR' && gas.id === 'NF3'
        ? 'NF3 was added to the Kyoto basket for the second commitment period by decision 4/CMP.7 and was not assessed in SAR'
        : `IPCC ${set} did not assess ${gas.id}`;
    throw new GwpNotDefinedError(gas.id, set, why);
  }
  const source = cell.note ? `${GWP_SETS[set].source} (${cell.note})` : GWP_SETS[set].source;
  return { gas: gas.id, set, value: cell.value, source, confidence: cell.confidence };
}

/**
 * How a GWP is chosen for one gas: one assessment report (`set`), or the lowest 100-year value among
 * several (`lowestOf`), as the CDM Executive Board's temporary measures require for reductions
 * achieved from 1 January 2021 (EB 108 meeting report paras 7–8; https://cdm.unfccc.int/Reference/CDM_note.html).
 */
export type GwpRule = { readonly set: GwpSetId } | { readonly lowestOf: readonly GwpSetId[] };

/**
 * A GWP policy: a rule for every gas, optionally a different rule for named gases, and why. Chosen by
 * the mechanism and the period (core/mechanisms/mechanisms.ts `selectGwpPolicy`) or pinned in the
 * project registration.
 */
export interface GwpPolicy {
  readonly default: GwpRule;
  /** Gas id (as in core/gases/gases.ts) → the rule for that gas. */
  readonly perGas?: Readonly<Record<string, GwpRule>>;
  /** The rule applied and its legal basis, recorded on every result. */
  readonly reason: string;
  /** `unverified` where the legal basis of the rule itself is not settled: pin a policy in the registration. */
  readonly confidence: 'confirmed' | 'unverified';
}

/** A short label: `AR4`, `lowest of SAR, AR4, AR5`, `AR5 (per gas: …)`. */
export function gwpRuleLabel(rule: GwpRule): string {
  return 'set' in rule ? rule.set : `lowest of ${rule.lowestOf.join(', ')}`;
}
export function gwpPolicyLabel(policy: GwpPolicy): string {
  const perGas = Object.entries(policy.perGas ?? {});
  return perGas.length
    ? `${gwpRuleLabel(policy.default)} (per gas: ${perGas.map(([g, r]) => `${g} ${gwpRuleLabel(r)}`).join('; ')})`
    : gwpRuleLabel(policy.default);
}

/** A GWP resolved under a policy: the value, the report it came from, and the rule that chose it. */
export interface PolicyGwp extends ResolvedGwp {
  /** How the value was chosen, in words (e.g. `lowest of SAR 21, AR4 25, AR5 28 → SAR`). */
  readonly rule: string;
}

/**
 * The GWP of one gas under a policy. For `lowestOf`, every listed set that assesses the gas is
 * compared (exact decimals) and the lowest wins; a set that does not assess the gas (NF3 in SAR) is
 * left out and the rule says so. A gas no listed set assesses throws {@link GwpNotDefinedError}.
 * An override in the registration wins over the policy.
 *
 * @example resolveGwpUnderPolicy('CH4', { default: { lowestOf: ['SAR', 'AR4', 'AR5'] }, reason: '…', confidence: 'confirmed' }).value // '21'
 */
export function resolveGwpUnderPolicy(gasName: string, policy: GwpPolicy, overrides: GwpOverrides = {}): PolicyGwp {
  const gas = findGas(gasName);
  if (!gas) throw new ConfigError(`Unknown gas "${gasName}". Known gases: ${GASES.map((x) => x.id).join(', ')}.`);
  const rule = policy.perGas?.[gas.id] ?? policy.default;
  if ('set' in rule) {
    const v = gwpOf(gas.id, rule.set, overrides);
    return {
      ...v,
      rule: v.confidence === 'override' ? 'override in the project registration' : `IPCC ${rule.set}${policy.perGas?.[gas.id] ? ' (per-gas rule)' : ''}`,
    };
  }
  if (overrides[gas.id]) return { ...gwpOf(gas.id, rule.lowestOf[0]!, overrides), rule: 'override in the project registration' };
  const defined = rule.lowestOf.flatMap((set) => {
    const cell = GWP_TABLE.get(gas.id)?.[set];
    return cell ? [{ set, cell }] : [];
  });
  const missing = rule.lowestOf.filter((set) => !defined.some((d) => d.set === set));
  if (defined.length === 0) throw new GwpNotDefinedError(gas.id, rule.lowestOf.join('/'), `none of IPCC ${rule.lowestOf.join(', ')} assessed ${gas.id}`);
  let best = defined[0]!;
  for (const d of defined.slice(1)) if (new Decimal(d.cell.value).lessThan(best.cell.value)) best = d;
  const ties = defined.filter((d) => d.set !== best.set && new Decimal(d.cell.value).equals(best.cell.value)).map((d) => d.set);
  const compared = defined.map((d) => `${d.set} ${d.cell.value}`).join(', ');
  const text = `lowest 100-year GWP among ${rule.lowestOf.join(', ')}: ${compared} → ${best.set}${ties.length ? ` (equal in ${ties.join(', ')})` : ''}${missing.length ? `; ${gas.id} is not assessed in ${missing.join(', ')}, so the lowest among the sets that assess it is taken` : ''}`;
  const source = best.cell.note ? `${GWP_SETS[best.set].source} (${best.cell.note})` : GWP_SETS[best.set].source;
  return { gas: gas.id, set: best.set, value: best.cell.value, source, confidence: best.cell.confidence, rule: text };
}
