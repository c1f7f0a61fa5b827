import { describe, expect, it } from 'vitest';
import {
  formatCell,
  formatFloat,
  formatLiteral,
  formatName,
  quoteString,
  stringifyJson,
  toJsonValue,
} from '../../../src/cypher/runtime/format.js';
import {
  NodeRef,
  NodeResult,
  PathResult,
  PathValue,
  RelationshipRef,
  RelationshipResult,
  type ResultValue,
} from '../../../src/cypher/runtime/values.js';

const ann = new NodeResult(1, ['Person'], { name: 'Ann' });
const bob = new NodeResult(2, [], { age: 42n });
const knows = new RelationshipResult(7, 'KNOWS', 1, 2, { since: 1999n });
const back = new RelationshipResult(8, 'LIKES', 1, 2, {});

describe('text format', () => {
  it.each<[number, string]>([
    [1, '1.0'],
    [2.3, '2.3'],
    [-0, '-0.0'],
    [1e21, '1.0e21'],
    [1.5e-7, '1.5e-7'],
    [1e308, '1.0e308'],
    [-1.2635418652381264e305, '-1.2635418652381264e305'],
    [3985764.3405892686, '3985764.3405892686'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
  ])('formats FLOAT %s as %s', (value, text) => {
    expect(formatFloat(value)).toBe(text);
    if (Number.isFinite(value)) expect(Number(text)).toBe(value);
  });

  it.each<[string, ResultValue, string]>([
    ['null', null, 'null'],
    ['booleans', [true, false], '[true, false]'],
    ['integers beyond 2^53', 9007199254740993n, '9007199254740993'],
    ['nested strings quoted and escaped', ["it's", 'a\\b', 'x\ny'], "['it\\'s', 'a\\\\b', 'x\\ny']"],
    ['maps with odd keys', { a: 1n, 'odd key': 'v', 'x`y': null }, "{a: 1, `odd key`: 'v', `x``y`: null}"],
    ['nodes', ann, "(:Person {name: 'Ann'})"],
    ['nodes without labels', bob, '({age: 42})'],
    ['empty nodes', new NodeResult(3, [], {}), '()'],
    ['relationships', knows, '[:KNOWS {since: 1999}]'],
    ['paths with both directions', new PathResult([ann, bob, ann], [knows, back]), "<(:Person {name: 'Ann'})-[:KNOWS {since: 1999}]->({age: 42})<-[:LIKES]-(:Person {name: 'Ann'})>"],
    ['single-node paths', new PathResult([bob], []), '<({age: 42})>'],
  ])('%s', (_name, value, text) => {
    expect(formatLiteral(value)).toBe(text);
  });

  it('prints a top-level string raw in a cell and quotes it inside structures', () => {
    expect(formatCell('Ann')).toBe('Ann');
    expect(formatCell(['Ann'])).toBe("['Ann']");
    expect(formatCell(1)).toBe('1.0');
  });

  it('prints unmaterialised refs by id', () => {
    const path = new PathValue([new NodeRef(1), new NodeRef(2)], [new RelationshipRef(7, 'KNOWS', 2, 1)]);
    expect(formatLiteral([new NodeRef(3), new RelationshipRef(7, 'KNOWS', 1, 2), path])).toBe(
      '[(#3), [#7:KNOWS], <(#1)<-[#7:KNOWS]-(#2)>]',
    );
  });

  it('escapes control characters and names', () => {
    expect(quoteString('\u0001\t')).toBe("'\\u0001\\t'");
    expect(formatName('Person')).toBe('Person');
    expect(formatName('has space')).toBe('`has space`');
  });
});

describe('JSON (DESIGN.md §7)', () => {
  it('writes nodes, relationships and paths in the documented shapes', () => {
    expect(stringifyJson(toJsonValue(ann))).toBe('{"id":1,"labels":["Person"],"properties":{"name":"Ann"}}');
    expect(stringifyJson(toJsonValue(knows))).toBe('{"id":7,"type":"KNOWS","start":1,"end":2,"properties":{"since":1999}}');
    expect(stringifyJson(toJsonValue(new PathResult([ann, bob], [knows])))).toBe(
      '{"nodes":[{"id":1,"labels":["Person"],"properties":{"name":"Ann"}},{"id":2,"labels":[],"properties":{"age":42}}],' +
        '"relationships":[{"id":7,"type":"KNOWS","start":1,"end":2,"properties":{"since":1999}}]}',
    );
  });

  it('keeps integers exact, marks floats, and writes non-finite floats as strings', () => {
    const text = stringifyJson(toJsonValue({ big: 9223372036854775807n, f: 1, g: 2.5, nan: Number.NaN, inf: [Number.NEGATIVE_INFINITY], s: 'q"\n' }));
    expect(text).toBe('{"big":9223372036854775807,"f":1.0,"g":2.5,"nan":"NaN","inf":["-Infinity"],"s":"q\\"\\n"}');
    expect(JSON.parse(text)).toEqual({ big: 9223372036854775807, f: 1, g: 2.5, nan: 'NaN', inf: ['-Infinity'], s: 'q"\n' });
  });
});
