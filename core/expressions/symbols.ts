import { unreachable, type Expr } from './tree.ts';

/** The symbols an expression reads, in order of first use (a pre-order walk, as mathjs `traverse`). */
export function symbolsOf(tree: Expr): string[] {
  const symbols = new Set<string>();
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'constant':
        return;
      case 'symbol':
        symbols.add(e.name);
        return;
      case 'parenthesis':
        return visit(e.content);
      case 'conditional':
        visit(e.condition);
        visit(e.whenTrue);
        return visit(e.whenFalse);
      case 'unary':
        return visit(e.arg);
      case 'binary':
        visit(e.left);
        return visit(e.right);
      case 'call':
        return e.args.forEach(visit);
      default:
        return unreachable(e);
    }
  };
  visit(tree);
  return [...symbols];
}
