import { ConfigError } from '../errors.ts';
import { spanOf, type Period } from '../time/period.ts';
import { Dec } from './rounding.ts';

/**
 * Small-scale limits CAP what is issued; they neither warn nor reject (issue 11 item 3). One rule for
 * every small-scale module, declared by the module (`smallScaleCap` in its definition) and applied by
 * the engine when the registration's scale is `small` or `micro`.
 */
export type SmallScaleKind = 'type-III' | 'ar-small-scale';

export interface SmallScaleLimit {
  /** The annual limit, decimal string. */
  readonly perYear: string;
  readonly unit: string;
  /** The texts that set the limit and say what happens to the excess. */
  readonly source: string;
}

export const SMALL_SCALE_LIMITS: Readonly<Record<SmallScaleKind, SmallScaleLimit>> = {
  'type-III': {
    perYear: '60000',
    unit: 't CO2e/yr',
    source:
      'Type III limit of 60 kt CO2e per year: decision 17/CP.7 para 6(c)(iii) as amended by decision 1/CMP.2 para 28. Above it, "CERs should be issued only up to the maximum value" when the limit is exceeded on an annual average basis during any verified period (decision 4/CMP.1 annex II para 8, as recorded at cdmrulebook.org/427); the limit applies in every year of the crediting period (EB 20 report para 58(a))',
  },
  'ar-small-scale': {
    perYear: '16000',
    unit: 't CO2/yr',
    source:
      'Small-scale A/R limit of 16 kt CO2 per year: decision 9/CMP.3 (replacing the 8 kt of decision 5/CMP.1 annex para 1(i)): net anthropogenic removals by sinks above the limit "will not be eligible for the issuance of tCERs or lCERs" (cdmrulebook.org/725)',
  },
};

const DAY_MS = 86_400_000;
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const addYears = (ms: number, years: number) => {
  const d = new Date(ms);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.getTime();
};

/**
 * The limit for a monitoring period, pro-rated by crediting year: the monitoring period, as the
 * half-open interval of instants [start, end) (a legacy period of days: [first day 00:00Z, day after the
 * last day 00:00Z)), is cut at the anniversaries of
 * the crediting period's start; each piece earns `perYear × days of the piece / days of its crediting
 * year` (365 or 366). A whole crediting year earns exactly the annual limit, leap year or not, and the
 * limits of the periods of one crediting year add up to the annual limit. Exact decimals.
 *
 * Why per crediting year: the limit holds "every year for the life of the crediting period" (EB 20
 * para 58(a)). Why per monitoring period and not per year's total: the cap per period can never issue
 * more than the annual cap (Σ min(ER_i, L_i) ≤ min(Σ ER_i, Σ L_i)), so it is conservative; it can issue
 * less when one period of a year is above its share and another below (a DOE may then reconcile the
 * year; the pipeline does not move towards more credits).
 *
 * @example proRatedLimit('60000', { start: '2014-01-01', end: '2014-12-31' }, '2014-01-01').limit // '60000'
 */
export function proRatedLimit(
  perYear: string,
  period: Period,
  creditingStart: string,
): { limit: string; pieces: { from: string; to: string; days: number; yearDays: number }[] } {
  const { start: from, end: to } = spanOf(period);
  const start = dayMs(creditingStart);
  if (from < start)
    throw new ConfigError(
      `The period ${period.start} – ${period.end} begins before the crediting period (${creditingStart}); the small-scale limit is counted per crediting year.`,
    );
  let limit = new Dec(0);
  const pieces: { from: string; to: string; days: number; yearDays: number }[] = [];
  for (let k = 0; ; k++) {
    const yFrom = addYears(start, k);
    const yTo = addYears(start, k + 1);
    if (yFrom >= to) break;
    const a = Math.max(from, yFrom);
    const b = Math.min(to, yTo);
    if (b <= a) continue;
    // Exact ratio of instants (a DST day counts 23 or 25 hours); for whole UTC days it is days / days.
    const days = (b - a) / DAY_MS;
    const yearDays = (yTo - yFrom) / DAY_MS;
    limit = limit.plus(new Dec(perYear).times(b - a).dividedBy(yTo - yFrom));
    pieces.push({ from: new Date(a).toISOString().slice(0, 10), to: new Date(b - DAY_MS).toISOString().slice(0, 10), days, yearDays });
  }
  return { limit: limit.toString(), pieces };
}

/** What the cap did, shown in the result and the review. */
export interface SmallScaleCapOutcome {
  readonly kind: SmallScaleKind;
  /** Annual limit and its unit. */
  readonly perYear: string;
  readonly unit: string;
  /** The limit for this quantity (pro-rated), decimal string. */
  readonly limit: string;
  /** How the limit was pro-rated, in words. */
  readonly proRating: string;
  /** The quantity before and after the cap, and the excess not eligible (0 when below the limit). */
  readonly uncapped: string;
  readonly capped: string;
  readonly excess: string;
  readonly applied: boolean;
  readonly source: string;
}

/**
 * Caps a quantity at a limit: min(quantity, limit), with what was cut. The quantity's own span decides
 * the limit: for a monitoring period's reductions, {@link proRatedLimit}; for a cumulative quantity
 * (tCERs since the start of an A/R project) `perYear × years` of that span.
 */
export function capQuantity(kind: SmallScaleKind, quantity: string, limit: string, proRating: string): SmallScaleCapOutcome {
  const spec = SMALL_SCALE_LIMITS[kind];
  const q = new Dec(quantity);
  const l = new Dec(limit);
  const applied = q.greaterThan(l);
  const capped = applied ? l : q;
  return {
    kind,
    perYear: spec.perYear,
    unit: spec.unit,
    limit: l.toString(),
    proRating,
    uncapped: q.toString(),
    capped: capped.toString(),
    excess: applied ? q.minus(l).toString() : '0',
    applied,
    source: spec.source,
  };
}

/** The cap of a monitoring period's reductions (Type III): limit pro-rated by crediting year. */
export function capForPeriod(kind: SmallScaleKind, quantity: string, period: Period, creditingStart: string): SmallScaleCapOutcome {
  const spec = SMALL_SCALE_LIMITS[kind];
  const { limit, pieces } = proRatedLimit(spec.perYear, period, creditingStart);
  const proRating = `${spec.perYear} ${spec.unit} × ${pieces.map((p) => `${p.days}/${p.yearDays}`).join(' + ')} (days of the monitoring period in each crediting year / days of that crediting year)`;
  return capQuantity(kind, quantity, limit, proRating);
}

/** The cap of a quantity accumulated over `years` (A/R removals since the start): perYear × years. */
export function capForYears(kind: SmallScaleKind, quantity: string, years: string): SmallScaleCapOutcome {
  const spec = SMALL_SCALE_LIMITS[kind];
  const limit = new Dec(spec.perYear).times(years);
  return capQuantity(kind, quantity, limit.toString(), `${spec.perYear} ${spec.unit} × ${years} years over which the quantity accumulated`);
}
