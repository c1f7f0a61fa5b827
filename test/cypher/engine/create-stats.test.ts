// propertiesSet of created entities (mutations.ts M2): counted at creation from the non-null
// values given, and read back only for a created entity whose properties changed afterwards.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/database.js';
import { openMemory } from './support.js';

let db: Database;
beforeEach(() => {
  db = openMemory();
});
afterEach(async () => {
  await db.close();
});

describe('created entities count their properties', () => {
  it('counts the non-null values given, for nodes and relationships', () => {
    const rows = [
      { id: 1, name: 'a', age: null },
      { id: 2, name: null, age: null },
      { id: 3, name: 'c', age: 30 },
    ];
    const nodes = db.query('UNWIND $rows AS r CREATE (:P {id: r.id, name: r.name, age: r.age})', { rows });
    expect(nodes.stats).toMatchObject({ nodesCreated: 3, propertiesSet: 2 + 1 + 3, labelsAdded: 1 });
    const rels = db.query("MATCH (a:P {id: 1}), (b:P {id: 3}) CREATE (a)-[:R {w: 1, x: null}]->(b), (b)-[:R]->(a)");
    expect(rels.stats).toMatchObject({ relationshipsCreated: 2, propertiesSet: 1 });
  });

  it('reads back a created entity changed later in the statement', () => {
    const set = db.query('CREATE (n:Q {a: 1, b: 2}) SET n.c = 3');
    expect(set.stats).toMatchObject({ nodesCreated: 1, propertiesSet: 3, propertiesRemoved: 0 });
    const removed = db.query('CREATE (n:Q {a: 1, b: 2}) REMOVE n.a');
    expect(removed.stats).toMatchObject({ nodesCreated: 1, propertiesSet: 1, propertiesRemoved: 0 });
    const replaced = db.query("CREATE (n:Q {a: 1}) SET n = {x: 1, y: 2, z: null}");
    expect(replaced.stats).toMatchObject({ nodesCreated: 1, propertiesSet: 2 });
    const merged = db.query('CREATE (a:Q)-[r:R {k: 1}]->(b:Q) SET r += {k: null, m: 2, n: 3}');
    expect(merged.stats).toMatchObject({ relationshipsCreated: 1, propertiesSet: 2 });
  });

  it('counts nothing for an entity created and deleted in the same statement', () => {
    const gone = db.query('CREATE (n:Q {a: 1, b: 2}) WITH n DELETE n');
    expect(gone.stats).toMatchObject({ nodesCreated: 0, nodesDeleted: 0, propertiesSet: 0, propertiesRemoved: 0 });
  });
});
