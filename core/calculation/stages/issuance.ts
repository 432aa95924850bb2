/**
 * What the period issues: ER (rounded as registered), the methodology's own credit quantity where it has one,
 * the check that intermediate roundings never raise the claim, the small-scale caps, whole units per the
 * mechanism's rounding policy, the credit type and its expiry.
 */
import type { Period } from '../../mechanisms/mechanisms.ts';
import { isBigNumber } from '../../expressions/decimal.ts';
import { creditExpiry, CREDIT_TYPES, DEFAULT_CREDIT_TYPE, type CreditType } from '../credits.ts';
import { roundEr, typeIIICap } from '../period-adjustments.ts';
import type { CalculationResult } from '../result.ts';
import { Dec, reportQuantity, roundWhole, ROUNDING_POLICIES } from '../rounding.ts';
import type { Calculation } from './context.ts';
import type { Emissions } from './emissions.ts';
import type { PeriodOutcome } from './period.ts';

export interface Issuance {
  readonly ER: Dec;
  readonly issuable: NonNullable<CalculationResult['issuable']>;
}

/** The issuance of an accepted period, or undefined when a rounding of the registration would raise the claim (refused, with a diagnostic). */
export function issue(calc: Calculation, period: PeriodOutcome, emissions: Emissions, resultPeriod: Period): Issuance | undefined {
  const { project, methodology, parameters, fileName } = calc;
  const { BE, PE, LE } = emissions;
  const erRounding = roundEr(project, BE.minus(PE).minus(LE).toString());
  const ER = erRounding ? new Dec(erRounding.to) : BE.minus(PE).minus(LE);
  const policy = ROUNDING_POLICIES[project.mechanism];
  // What is issued: floor(ER) of the mechanism's credit, or the methodology's own credit quantity and type.
  const creditValue = methodology.credits ? period.scope.get(methodology.credits.symbol) : undefined;
  const claimed = creditValue !== undefined && isBigNumber(creditValue) ? new Dec(creditValue.toString()) : ER;
  if (roundingRaises(calc, period, claimed)) return undefined;
  // Small-scale limits cap what is issued (core/calculation/small-scale-cap.ts): Type III here, A/R on its symbol in the period stage.
  const smallScaleCap = typeIIICap(methodology, project, claimed.toString(), resultPeriod) ?? period.adjuster.capOutcome();
  const quantity = smallScaleCap?.applied && smallScaleCap.kind === 'type-III' ? new Dec(smallScaleCap.capped) : claimed;
  if (smallScaleCap?.applied)
    calc.diag({
      severity: 'warning',
      code: 'period.small_scale_cap',
      message: `${smallScaleCap.kind === 'type-III' ? 'Emission reductions' : 'Net removals'} of ${smallScaleCap.uncapped} t exceed the small-scale limit for this ${smallScaleCap.kind === 'type-III' ? 'period' : 'span'}, ${smallScaleCap.limit} t (${smallScaleCap.proRating}): units are issued only up to the limit; the excess ${smallScaleCap.excess} t is not eligible (${smallScaleCap.source}).`,
      location: { file: fileName },
    });
  const units = quantity.isNegative() ? new Dec(0) : roundWhole(new Dec(reportQuantity(quantity)), policy.issuance);
  const typeParameter = methodology.credits?.typeParameter;
  const creditType = (
    typeParameter && CREDIT_TYPES.includes(parameters[typeParameter] as CreditType) ? parameters[typeParameter] : DEFAULT_CREDIT_TYPE[project.mechanism]
  ) as CreditType;
  const expiry = creditExpiry(creditType, resultPeriod, project.creditingPeriod);
  if (ER.isNegative())
    calc.diag({
      severity: 'warning',
      code: 'period.check_failed',
      message: `Emission reductions are negative (${reportQuantity(ER)} tCO2e): project and leakage emissions exceed the baseline; no units are issuable for this period.`,
      location: { file: fileName },
    });
  return {
    ER,
    issuable: {
      units: units.toString(),
      rounding: policy.note,
      creditType,
      ...(smallScaleCap ? { smallScaleCap } : {}),
      ...(erRounding ? { erRounding } : {}),
      ...(expiry.expires ? { expires: expiry.expires } : {}),
      ...(creditType === 'tCER' || creditType === 'lCER' ? { expiryRule: expiry.rule } : {}),
    },
  };
}

/**
 * A rounding of an intermediate value can move the result either way: the period recomputed without the
 * profile's intermediate roundings; if they raise what is claimed, the period is refused (rounding never adds credits).
 */
function roundingRaises(calc: Calculation, period: PeriodOutcome, claimed: Dec): boolean {
  const unrounded = period.claimWithoutRounding();
  if (unrounded === undefined || !claimed.greaterThan(unrounded)) return false;
  const { methodology } = calc;
  calc.diag({
    severity: 'error',
    code: 'period.rounding_raises_result',
    message: `The registered rounding of ${period.intermediateRounding.join(', ')} raises ${methodology.credits ? methodology.credits.symbol : 'the emission reductions'} from ${reportQuantity(new Dec(unrounded))} to ${reportQuantity(claimed)} t CO2e in this period; a rounding as registered may only lower the result: correct the registration's rounding profile (mode and direction of these symbols).`,
    location: { file: calc.fileName },
  });
  return true;
}
