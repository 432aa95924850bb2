/**
 * Units stated in an uploaded file's header (`EG_export [kWh]`), converted to the unit the methodology
 * declares for the column, **exactly**: every factor is a ratio of integers (bigints) and a value is
 * converted in decimal arithmetic, so 1,200 s is exactly 20 min and no threshold flips on a rounding
 * of the factor. Pure, no mathjs: only the units in the tables below are known.
 *
 * Accepted: products and quotients of the units below, e.g. `kWh`, `GJ`, `kg`, `t CO2`, `kg CH4`,
 * `m³`, `L`, `Nm3`, `s`, `min`, `h`, `day`, `%`, `t CO2/t steam`. Refused, with the reason (a header
 * error naming file, column and header, never a guess):
 * - a unit not in the tables (`furlong`, `yr`: a year is 365 or 365.25 days, `lb`, `Sm3`);
 * - a mass of another substance than the column's (`kg CO2e` or `t C` for a `t CO2` column, `g CF4`
 *   for a column in plain `kg`): converting between substances needs molar masses or GWPs, which are
 *   the methodology's business;
 * - actual cubic metres for normal cubic metres and back (`m3` vs `Nm3`, CDM TOOL08 0 °C and
 *   101.325 kPa): that needs the temperature and pressure of the gas;
 * - another temperature scale (`K`, `°F` for `°C`): that is an offset, not a factor.
 */
import Decimal from 'decimal.js';
import { findGas } from '../gases/gases.ts';

/** A positive rational number, `num / den`, in lowest terms. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
};
const rational = (num: bigint, den: bigint = 1n): Rational => {
  const g = gcd(num, den);
  return { num: num / g, den: den / g };
};
const times = (a: Rational, b: Rational): Rational => rational(a.num * b.num, a.den * b.den);
const over = (a: Rational, b: Rational): Rational => rational(a.num * b.den, a.den * b.num);
const pow = (a: Rational, n: number): Rational =>
  n >= 0 ? rational(a.num ** BigInt(n), a.den ** BigInt(n)) : rational(a.den ** BigInt(-n), a.num ** BigInt(-n));
const R = (num: number | bigint, den: number | bigint = 1): Rational => rational(BigInt(num), BigInt(den));

/** Base dimensions: SI kg, m, s; normal cubic metres, animals and each temperature scale kept apart. */
type Base = 'kg' | 'm' | 's' | 'Nm3' | 'head' | 'degC' | 'K' | 'degF';
type Dims = Readonly<Partial<Record<Base, number>>>;
interface Atom {
  readonly dims: Dims;
  readonly factor: Rational;
  /** True for a temperature scale: allowed only alone, converted only to itself. */
  readonly temperature?: boolean;
  /** True for a mass, the only atom a substance may follow (`t CO2`, `kg VS`). */
  readonly mass?: boolean;
}

const ENERGY: Dims = { kg: 1, m: 2, s: -2 };
const POWER: Dims = { kg: 1, m: 2, s: -3 };
const mass = (f: Rational): Atom => ({ dims: { kg: 1 }, factor: f, mass: true });
const ATOMS: Readonly<Record<string, Atom>> = {
  g: mass(R(1, 1000)),
  kg: mass(R(1)),
  t: mass(R(1000)),
  Mg: mass(R(1000)),
  kt: mass(R(1_000_000)),
  Gg: mass(R(1_000_000)),
  Mt: mass(R(1_000_000_000)),
  J: { dims: ENERGY, factor: R(1) },
  kJ: { dims: ENERGY, factor: R(1000) },
  MJ: { dims: ENERGY, factor: R(10n ** 6n) },
  GJ: { dims: ENERGY, factor: R(10n ** 9n) },
  TJ: { dims: ENERGY, factor: R(10n ** 12n) },
  Wh: { dims: ENERGY, factor: R(3600) },
  kWh: { dims: ENERGY, factor: R(3_600_000) },
  MWh: { dims: ENERGY, factor: R(3_600_000_000) },
  GWh: { dims: ENERGY, factor: R(3_600_000_000_000n) },
  TWh: { dims: ENERGY, factor: R(3_600_000_000_000_000n) },
  W: { dims: POWER, factor: R(1) },
  kW: { dims: POWER, factor: R(1000) },
  MW: { dims: POWER, factor: R(1_000_000) },
  GW: { dims: POWER, factor: R(1_000_000_000) },
  mm: { dims: { m: 1 }, factor: R(1, 1000) },
  cm: { dims: { m: 1 }, factor: R(1, 100) },
  m: { dims: { m: 1 }, factor: R(1) },
  km: { dims: { m: 1 }, factor: R(1000) },
  ha: { dims: { m: 2 }, factor: R(10_000) },
  L: { dims: { m: 3 }, factor: R(1, 1000) },
  l: { dims: { m: 3 }, factor: R(1, 1000) },
  Nm3: { dims: { Nm3: 1 }, factor: R(1) },
  s: { dims: { s: 1 }, factor: R(1) },
  min: { dims: { s: 1 }, factor: R(60) },
  h: { dims: { s: 1 }, factor: R(3600) },
  d: { dims: { s: 1 }, factor: R(86_400) },
  day: { dims: { s: 1 }, factor: R(86_400) },
  days: { dims: { s: 1 }, factor: R(86_400) },
  head: { dims: { head: 1 }, factor: R(1) },
  heads: { dims: { head: 1 }, factor: R(1) },
  animal: { dims: { head: 1 }, factor: R(1) },
  animals: { dims: { head: 1 }, factor: R(1) },
  '°C': { dims: { degC: 1 }, factor: R(1), temperature: true },
  degC: { dims: { degC: 1 }, factor: R(1), temperature: true },
  K: { dims: { K: 1 }, factor: R(1), temperature: true },
  '°F': { dims: { degF: 1 }, factor: R(1), temperature: true },
  degF: { dims: { degF: 1 }, factor: R(1), temperature: true },
};
/** Dimensionless spellings and their factor. */
const DIMENSIONLESS: Readonly<Record<string, Rational>> = { '': R(1), '1': R(1), '-': R(1), fraction: R(1), ratio: R(1), dimensionless: R(1), '%': R(1, 100) };
/** Substances that are not gases of the GWP tables but name what a mass or volume is of. */
const SUBSTANCES = new Set(['C', 'steam', 'VS', 'd.m.', 'dm', 'biogas', 'LFG', 'waste']);

/** A parsed unit: dimensions, factor to SI base units, and the substances its terms name (numerator / denominator). */
export interface ExactUnit {
  readonly dims: Dims;
  readonly factor: Rational;
  readonly temperature: boolean;
  readonly substances: { readonly per: readonly string[]; readonly of: readonly string[] };
}

function substance(word: string): string | undefined {
  const gas = findGas(word) ?? findGas(word.replace(/^c(?=[A-Z])/, 'c-'));
  if (gas) return gas.id;
  return SUBSTANCES.has(word) ? (word === 'dm' ? 'd.m.' : word) : undefined;
}

/** One factor of a unit: `kWh`, `m3`, `m^3`, `km2`, `t CO2`, `tCO2`, `kg VS`. */
function term(text: string): { atom: Atom; exponent: number; substance?: string } | string {
  const [head, ...rest] = text.split(/\s+/);
  let atomText = head!;
  let what: string | undefined;
  if (rest.length > 1) return `"${text}" names more than one substance`;
  if (rest.length === 1) {
    what = substance(rest[0]!);
    if (what === undefined) return `"${rest[0]}" in "${text}" is not a unit or a substance this module knows`;
  }
  let exponent = 1;
  const power = /^(.+?)\^?([23])$/.exec(atomText);
  if (power && !ATOMS[atomText] && ATOMS[power[1]!] && !ATOMS[power[1]!]!.temperature) {
    atomText = power[1]!;
    exponent = Number(power[2]);
  }
  let atom = ATOMS[atomText];
  if (!atom && what === undefined) {
    // `tCO2`, `kgCH4`, `gCF4`: a mass and a substance written together.
    const joined = /^(Mt|kt|Gg|Mg|kg|g|t)(.+)$/.exec(atomText);
    const s = joined ? substance(joined[2]!) : undefined;
    if (joined && s !== undefined) {
      atom = ATOMS[joined[1]!];
      what = s;
    }
  }
  if (!atom) return `"${atomText}" is not a unit this module can convert exactly`;
  if (what !== undefined && !atom.mass && atomText !== 'm' && atomText !== 'Nm3') return `"${text}": only a mass or a volume can name a substance`;
  return { atom, exponent, ...(what !== undefined ? { substance: what } : {}) };
}

/** Parses a unit for exact conversion, or says why it cannot be used. */
export function parseExactUnit(text: string): { ok: true; unit: ExactUnit } | { ok: false; problem: string } {
  const t = text
    .trim()
    .replace(/³/g, '3')
    .replace(/²/g, '2')
    .replace(/Nm\^?3/g, 'Nm3')
    .replace(/\s*([/*·])\s*/g, (_, op: string) => (op === '/' ? '/' : '*'));
  const dimensionless = DIMENSIONLESS[t];
  if (dimensionless) return { ok: true, unit: { dims: {}, factor: dimensionless, temperature: false, substances: { per: [], of: [] } } };
  const [numerator, ...denominators] = t.split('/');
  const dims: Partial<Record<Base, number>> = {};
  let factor = R(1);
  let temperature = false;
  const per: string[] = [];
  const of: string[] = [];
  let count = 0;
  for (const [side, part] of [[1, numerator!], ...denominators.map((d) => [-1, d] as const)] as const) {
    if (part === '' && side === 1 && denominators.length > 0) continue; // `/h`? refused below via dims
    for (const piece of part.split('*')) {
      if (piece.trim() === '') return { ok: false, problem: `unit "${text}" is malformed` };
      const parsed = piece.trim() === '1' ? { atom: { dims: {}, factor: R(1) } as Atom, exponent: 1 } : term(piece.trim());
      if (typeof parsed === 'string') return { ok: false, problem: parsed };
      count++;
      if (parsed.atom.temperature) temperature = true;
      const e = side * parsed.exponent;
      for (const [b, n] of Object.entries(parsed.atom.dims) as [Base, number][]) dims[b] = (dims[b] ?? 0) + n * e;
      factor = times(factor, pow(parsed.atom.factor, e));
      if (parsed.substance !== undefined) (side === 1 ? per : of).push(parsed.substance);
    }
  }
  if (temperature && count > 1) return { ok: false, problem: `unit "${text}" combines a temperature scale with other units` };
  for (const b of Object.keys(dims) as Base[]) if (dims[b] === 0) delete dims[b];
  return { ok: true, unit: { dims, factor, temperature, substances: { per: per.sort(), of: of.sort() } } };
}

/** An exact conversion from a header's unit to the column's unit. */
export interface Conversion {
  readonly ok: true;
  /** `to = from × factor`, as a ratio of integers. */
  readonly factor: Rational;
  /** The factor as written in messages: `0.001`, `1000`, `1/60`. */
  readonly label: string;
  /** Converts one value: exact decimal arithmetic, then the nearest double. */
  apply(value: number): number;
}

const sameDims = (a: Dims, b: Dims) => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<Base>;
  for (const k of keys) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  return true;
};
const describeDims = (d: Dims) =>
  Object.entries(d)
    .map(([b, n]) => (n === 1 ? b : `${b}^${n}`))
    .join('·') || 'dimensionless';
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** A decimal string when the ratio has a terminating decimal expansion (denominator 2^a·5^b), else `num/den`. */
export function formatRational(r: Rational): string {
  let d = r.den;
  while (d % 2n === 0n) d /= 2n;
  while (d % 5n === 0n) d /= 5n;
  if (d !== 1n) return `${r.num}/${r.den}`;
  return new Decimal(r.num.toString()).div(r.den.toString()).toFixed();
}

const Exact = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN });

/**
 * The exact factor that converts a value stated in `from` (the file's header) to `to` (the column's
 * unit in the methodology), or the reason the header cannot be used.
 */
export function conversionFactor(from: string, to: string): Conversion | { ok: false; problem: string } {
  const a = parseExactUnit(from);
  if (!a.ok) return a;
  const b = parseExactUnit(to);
  if (!b.ok) return { ok: false, problem: `the column's own unit "${to}" has no exact conversion (${b.problem})` };
  const x = a.unit;
  const y = b.unit;
  if (x.temperature || y.temperature) {
    if (!(x.temperature && y.temperature && sameDims(x.dims, y.dims)))
      return { ok: false, problem: `temperatures in "${from}" and "${to}" differ by an offset, not a factor, and are not converted` };
  } else if (
    (x.dims.Nm3 ?? 0) !== (y.dims.Nm3 ?? 0) &&
    sameDims({ ...x.dims, Nm3: 0, m: (x.dims.m ?? 0) + 3 * (x.dims.Nm3 ?? 0) }, { ...y.dims, Nm3: 0, m: (y.dims.m ?? 0) + 3 * (y.dims.Nm3 ?? 0) })
  ) {
    return {
      ok: false,
      problem: `"${from}" and "${to}" are actual and normal cubic metres (0 °C, 101.325 kPa); converting them needs the gas temperature and pressure`,
    };
  } else if (!sameDims(x.dims, y.dims)) {
    return { ok: false, problem: `"${from}" cannot be converted to "${to}" (different dimensions: ${describeDims(x.dims)} and ${describeDims(y.dims)})` };
  }
  const unqualified = x.substances.per.length === 0 && x.substances.of.length === 0;
  const oneSubstance = y.substances.per.length + y.substances.of.length === 1;
  if (!(sameList(x.substances.per, y.substances.per) && sameList(x.substances.of, y.substances.of)) && !(unqualified && oneSubstance)) {
    const named = [...x.substances.per, ...x.substances.of];
    const wanted = [...y.substances.per, ...y.substances.of];
    return {
      ok: false,
      problem: `"${from}" is ${named.length ? `a quantity of ${named.join(' and ')}` : 'not qualified'} but the column is ${wanted.length ? `of ${wanted.join(' and ')}` : `in plain ${to}`}; a mass of one substance is not a mass of another`,
    };
  }
  const factor = over(x.factor, y.factor);
  const num = new Exact(factor.num.toString());
  const den = new Exact(factor.den.toString());
  const one = factor.num === factor.den;
  return {
    ok: true,
    factor,
    label: formatRational(factor),
    apply: (value: number) => (one ? value : new Exact(value).times(num).div(den).toNumber()),
  };
}
