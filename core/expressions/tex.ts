import { floatMath, type ParsedExpression } from './sandbox.ts';

/**
 * LaTeX of an expression (for `mrv methodology doc` and the verification report), rendered by mathjs
 * from the parse of the very text that was checked and runs: the same locked-down parser gives the
 * same tree, so the formulas a verifier reads cannot drift from the ones executed.
 */
export function toTex(parsed: ParsedExpression): string {
  return floatMath.parse(parsed.expr).toTex({ parenthesis: 'keep', implicit: 'hide' });
}
