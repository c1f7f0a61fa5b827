// A structural key of a bound expression: two expressions get the same key exactly when they
// are the same computation over the same slots. The binder uses it to recognise a grouping
// expression or an aggregate repeated in ORDER BY (`RETURN n.x, count(*) ORDER BY count(*)`).

import { formatLiteral } from '../runtime/format.js';
import type { BExpr } from './bound.js';

export function exprKey(expr: BExpr): string {
  switch (expr.kind) {
    case 'Literal':
      return `L(${typeof expr.value === 'number' ? `f${String(expr.value)}` : formatLiteral(expr.value)})`;
    case 'Parameter':
      return `$${expr.name}`;
    case 'Slot':
      return `#${expr.slot}`;
    case 'Property':
      return `${exprKey(expr.object)}.${JSON.stringify(expr.key)}`;
    case 'Index':
      return `${exprKey(expr.object)}[${exprKey(expr.index)}]`;
    case 'Slice':
      return `${exprKey(expr.object)}[${expr.from === null ? '' : exprKey(expr.from)}..${expr.to === null ? '' : exprKey(expr.to)}]`;
    case 'HasLabels':
      return `${exprKey(expr.subject)}:${expr.labels.map((l) => JSON.stringify(l)).join(':')}`;
    case 'Unary':
      return `(${expr.operator} ${exprKey(expr.operand)})`;
    case 'Arithmetic':
    case 'Logical':
    case 'StringPredicate':
      return `(${exprKey(expr.left)} ${expr.operator} ${exprKey(expr.right)})`;
    case 'Comparison': {
      let out = `(${exprKey(expr.operands[0]!)}`;
      for (let i = 0; i < expr.operators.length; i++) out += ` ${expr.operators[i]} ${exprKey(expr.operands[i + 1]!)}`;
      return `${out})`;
    }
    case 'In':
      return `(${exprKey(expr.element)} IN ${exprKey(expr.list)})`;
    case 'IsNull':
      return `(${exprKey(expr.operand)} IS ${expr.negated ? 'NOT ' : ''}NULL)`;
    case 'Function':
      return `${expr.fn.name.toLowerCase()}(${expr.args.map(exprKey).join(',')})`;
    case 'Aggregate':
      return `agg:${expr.name}(${expr.distinct ? 'DISTINCT ' : ''}${expr.args.map(exprKey).join(',')})`;
    case 'Case':
      return `CASE(${expr.test === null ? '' : exprKey(expr.test)};${expr.alternatives.map((a) => `${exprKey(a.when)}=>${exprKey(a.then)}`).join(';')};${expr.else === null ? '' : exprKey(expr.else)})`;
    case 'List':
      return `[${expr.elements.map(exprKey).join(',')}]`;
    case 'Map':
      return `{${expr.keys.map((k, i) => `${JSON.stringify(k)}:${exprKey(expr.values[i]!)}`).join(',')}}`;
    case 'ListComprehension':
      return `[#${expr.slot} IN ${exprKey(expr.list)} WHERE ${expr.where === null ? '' : exprKey(expr.where)} | ${expr.projection === null ? '' : exprKey(expr.projection)}]`;
    case 'Quantifier':
      return `${expr.quantifier}(#${expr.slot} IN ${exprKey(expr.list)} WHERE ${expr.where === null ? '' : exprKey(expr.where)})`;
    case 'Reduce':
      return `reduce(#${expr.accumulator}=${exprKey(expr.init)},#${expr.slot} IN ${exprKey(expr.list)}|${exprKey(expr.expression)})`;
    case 'MapProjection':
      return `${exprKey(expr.subject)}{${expr.items
        .map((item) => (item.kind === 'all' ? '.*' : item.kind === 'property' ? `.${JSON.stringify(item.key)}` : `${JSON.stringify(item.key)}:${exprKey(item.value)}`))
        .join(',')}}`;
    case 'PathBuild':
      return `path(${expr.steps.map((s) => (s.kind === 'node' ? `n#${s.slot}` : `r#${s.slot}${s.list ? '*' : ''}`)).join(',')})`;
    case 'PatternComprehension':
    case 'Exists':
      // Subqueries bind fresh slots each time they are written, so two occurrences never share a key.
      return `subquery@${uniqueId(expr)}`;
  }
}

const ids = new WeakMap<object, number>();
let nextId = 0;
function uniqueId(expr: object): number {
  let id = ids.get(expr);
  if (id === undefined) {
    id = nextId++;
    ids.set(expr, id);
  }
  return id;
}
