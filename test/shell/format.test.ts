// The three result formats, exactly (DESIGN.md §7): JSON lines keyed by column name with the
// node / relationship / path shapes, CSV records, and the line shell's table.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import { csvField } from '../../shell/row-format.js';
import { TextTable, WIDTH_SAMPLE_ROWS } from '../../shell/text-table.js';
import { collect, memoryDb, newSession } from './session-support.js';

const dbs: Database[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.close();
});

async function graphSession(format: 'json' | 'csv' | 'table') {
  const db = memoryDb();
  dbs.push(db);
  const s = newSession({ db, format });
  await collect(s, "CREATE (:Person {name: 'Ann', age: 36})-[:KNOWS {since: 1999}]->(:Person:Admin {name: 'Bob', tags: ['x', 'y']});");
  return s;
}

describe('json', () => {
  it('writes a node, a relationship and a path in the documented shapes', async () => {
    const s = await graphSession('json');
    const r = await collect(s, 'MATCH p = (a)-[k:KNOWS]->(b) RETURN a, k, p;');
    expect(r.json).toEqual([
      '{"a":{"id":0,"labels":["Person"],"properties":{"name":"Ann","age":36}},' +
        '"k":{"id":0,"type":"KNOWS","start":0,"end":1,"properties":{"since":1999}},' +
        '"p":{"nodes":[{"id":0,"labels":["Person"],"properties":{"name":"Ann","age":36}},{"id":1,"labels":["Person","Admin"],"properties":{"name":"Bob","tags":["x","y"]}}],' +
        '"relationships":[{"id":0,"type":"KNOWS","start":0,"end":1,"properties":{"since":1999}}]}}',
    ]);
    // Each line is plain JSON.
    expect(JSON.parse(r.json[0]!).p.nodes[1].labels).toEqual(['Person', 'Admin']);
  });

  it('writes nulls, nested lists and maps, integers beyond 2^53 exactly, and floats with a point', async () => {
    const s = await graphSession('json');
    const r = await collect(
      s,
      "RETURN null AS n, [1, [2, null], {k: 'v', m: {deep: true}}] AS nested, 9007199254740993 AS big, -9223372036854775808 AS min, 1.0 AS one, 2.5e-7 AS tiny, 1.0/0.0 AS inf, 'quote \" and \\\\ and \\n' AS s;",
    );
    expect(r.json).toEqual([
      '{"n":null,"nested":[1,[2,null],{"k":"v","m":{"deep":true}}],"big":9007199254740993,"min":-9223372036854775808,"one":1.0,"tiny":2.5e-7,"inf":"Infinity","s":"quote \\" and \\\\ and \\n"}',
    ]);
  });

  it('keys rows by column name, in column order, one row per line', async () => {
    const s = await graphSession('json');
    const r = await collect(s, 'UNWIND [3, 1, 2] AS x RETURN x, x * 10 AS `ten times`;');
    expect(r.json).toEqual(['{"x":3,"ten times":30}', '{"x":1,"ten times":10}', '{"x":2,"ten times":20}']);
  });

  it('a report is one JSON object', async () => {
    const s = await graphSession('json');
    const r = await collect(s, ':checkpoint');
    expect(() => JSON.parse(r.reports[0]!.json)).not.toThrow();
    expect(r.reports[0]!.json).not.toContain('\n');
  });
});

describe('csv', () => {
  it('quotes what needs quoting, keeps null and "" apart, and writes values as Cypher literals', async () => {
    const s = await graphSession('csv');
    const r = await collect(s, "RETURN null AS n, '' AS empty, 'a,b' AS comma, 'say \"hi\"' AS quote, ' pad' AS pad, 'two\nlines' AS nl, [1, 'x'] AS list, 1.5 AS f, true AS b;");
    expect(r.events.find((e) => e.kind === 'columns')).toEqual({ kind: 'columns', columns: ['n', 'empty', 'comma', 'quote', 'pad', 'nl', 'list', 'f', 'b'] });
    expect(r.csv).toEqual([',"","a,b","say ""hi"""," pad","two\nlines","[1, \'x\']",1.5,true']);
  });

  it('writes entities as their literal form', async () => {
    const s = await graphSession('csv');
    const r = await collect(s, 'MATCH (a:Person {name: "Ann"})-[k]->(b) RETURN a, k, b.tags;');
    expect(r.csv).toEqual(["\"(:Person {name: 'Ann', age: 36})\",[:KNOWS {since: 1999}],\"['x', 'y']\""]);
  });

  it('quotes header fields too', () => {
    expect(csvField('count(*)')).toBe('count(*)');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField(null)).toBe('');
  });
});

describe('table', () => {
  it('cells are display strings: strings raw, everything else a literal', async () => {
    const s = await graphSession('table');
    const r = await collect(s, "MATCH p = (a {name: 'Ann'})-[k]->(b) RETURN a.name, b, k, p, null AS n, 2.0 AS f;");
    expect(r.cells).toEqual([
      ['Ann', "(:Person:Admin {name: 'Bob', tags: ['x', 'y']})", '[:KNOWS {since: 1999}]', "<(:Person {name: 'Ann', age: 36})-[:KNOWS {since: 1999}]->(:Person:Admin {name: 'Bob', tags: ['x', 'y']})>", 'null', '2.0'],
    ]);
  });

  it('the line shell lays a result out as a boxed grid sized to its cells', () => {
    const table = new TextTable(['name', 'n']);
    expect(table.add([['Ann', '1'], ['Bartholomew', 'null']])).toBe('');
    expect(table.finish()).toBe(
      ['+-------------+------+', '| name        | n    |', '+-------------+------+', '| Ann         | 1    |', '| Bartholomew | null |', '+-------------+------+', ''].join('\n'),
    );
  });

  it('escapes control characters, measures wide characters in cells, and cuts late wide cells', () => {
    const table = new TextTable(['s']);
    const sample = Array.from({ length: WIDTH_SAMPLE_ROWS }, () => ['ab']);
    sample[0] = ['名前'];
    sample[1] = ['a\tb'];
    const head = table.add(sample);
    expect(head.split('\n').slice(0, 5)).toEqual(['+------+', '| s    |', '+------+', '| 名前 |', '| a\\tb |']);
    expect(table.add([['much wider than the sample']])).toBe('| muc… |\n');
    expect(table.finish()).toBe('+------+\n');
  });

  it('an empty result still shows its header', () => {
    const table = new TextTable(['x']);
    expect(table.finish()).toBe('+---+\n| x |\n+---+\n+---+\n');
  });
});
