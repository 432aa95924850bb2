/**
 * @deprecated The expression engine lives in core/expressions/ (sandbox.ts, tree.ts, float-slots.ts,
 * decimal.ts, symbols.ts, tex.ts). This file exists only for the calculation stages (core/calculation/),
 * until they import core/expressions/ directly; then it is removed. Import nothing new from here.
 */
export { ALLOWED_FUNCTIONS } from '../expressions/tree.ts';
export { EXPRESSION_LIMITS, compileFloat, parseExpression, type FloatEvaluator, type ParsedExpression } from '../expressions/sandbox.ts';
export { UNSET, compileFloatSlots, type SlotEvaluator, type SlotScope } from '../expressions/float-slots.ts';
export {
  PeriodDecimal,
  compileDecimal,
  compileDecimalClosures,
  decimalProblems,
  isBigNumber,
  toBigNumber,
  type BigNumber,
  type DecimalEvaluator,
} from '../expressions/decimal.ts';
export { toTex } from '../expressions/tex.ts';
