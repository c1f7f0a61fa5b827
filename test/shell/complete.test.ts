// Tab completion (shell/complete.ts): what fits where the word stands.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_COMMANDS } from '../../shell/admin/registry.js';
import { completeFiles, completeInput, type CompletionSource } from '../../shell/complete.js';
import { tempDir } from '../support/cli.js';
import { collect, memoryDb, newSession } from './session-support.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function source(cwd = '/'): CompletionSource {
  return {
    labels: () => ['Person', 'Place', 'odd label'],
    relationshipTypes: () => ['KNOWS', 'LIVES_IN'],
    propertyKeys: () => ['name', 'nickname', 'age'],
    params: () => ['ids', 'limit'],
    commands: ADMIN_COMMANDS,
    cwd,
  };
}

/** Complete `text` with the cursor at '‸' (end when absent). */
function complete(text: string, src = source()) {
  const cursor = text.includes('‸') ? text.indexOf('‸') : text.length;
  const line = text.replace('‸', '');
  const result = completeInput(line, cursor, src);
  return { items: result.items, replaced: line.slice(result.start, cursor) };
}

describe('cypher', () => {
  it('labels inside ( ), relationship types inside [ ]', () => {
    expect(complete('MATCH (n:P')).toEqual({ items: ['Person', 'Place'], replaced: 'P' });
    expect(complete('MATCH (n:Person)-[:K')).toEqual({ items: ['KNOWS'], replaced: 'K' });
    expect(complete('MATCH (a)-[r:KNOWS|L')).toEqual({ items: ['LIVES_IN'], replaced: 'L' });
    expect(complete('MATCH (n:')).toEqual({ items: ['Person', 'Place', '`odd label`'], replaced: '' });
    expect(complete('MATCH (n:Person:P')).toEqual({ items: ['Person', 'Place'], replaced: 'P' });
  });

  it('property keys after a dot, parameters after $', () => {
    expect(complete('MATCH (n) RETURN n.n')).toEqual({ items: ['name', 'nickname'], replaced: 'n' });
    expect(complete('MATCH (n) WHERE n.age > $l')).toEqual({ items: ['limit'], replaced: 'l' });
    expect(complete('RETURN 1.5')).toEqual({ items: [], replaced: '' });
  });

  it('keywords in the case typed, and functions', () => {
    expect(complete('MAT').items).toEqual(['MATCH']);
    expect(complete('mat').items).toEqual(['match']);
    expect(complete('RETURN coll').items).toEqual(['collect']);
    expect(complete('RETURN to').items).toEqual(expect.arrayContaining(['toInteger', 'toUpper']));
    expect(complete('MATCH (n) RE‸TURN n')).toEqual({ items: expect.arrayContaining(['RETURN', 'REMOVE']), replaced: 'RE' });
  });

  it('nothing inside strings or comments, nor for an empty word', () => {
    expect(complete("RETURN 'MAT").items).toEqual([]);
    expect(complete('RETURN 1 // MAT').items).toEqual([]);
    expect(complete('RETURN 1 /* (n:P').items).toEqual([]);
    expect(complete('RETURN ').items).toEqual([]);
    expect(complete("MATCH (n {name: ':P'}) RETURN n:P").items).toEqual(['Person', 'Place', 'KNOWS', 'LIVES_IN'].filter((n) => n.startsWith('P')));
  });
});

describe(':commands', () => {
  it('command names, then their own values', () => {
    expect(complete(':ch')).toEqual({ items: [':checkpoint'], replaced: ':ch' });
    expect(complete(':p').items).toEqual([':profile', ':param', ':params']);
    expect(complete(':checkpoint tr')).toEqual({ items: ['truncate'], replaced: 'tr' });
    expect(complete(':format ').items).toEqual(['table', 'json', 'csv']);
    expect(complete(':metrics s').items).toEqual(['statsd']);
    expect(complete(':timing o').items).toEqual(['on', 'off']);
    expect(complete(':verify f').items).toEqual(['fast', 'full']);
    expect(complete(':param l').items).toEqual(['limit']);
    expect(complete(':quit x').items).toEqual([]);
  });

  it(':set completes live option names, then that option\'s values', () => {
    expect(complete(':set cache').items).toEqual(['cacheSizePages']);
    expect(complete(':set logLevel w').items).toEqual(['warn']);
    expect(complete(':set pageSize').items).toEqual([]); // fixed at open
  });

  it(':explain and :profile complete the statement after them', () => {
    expect(complete(':explain MATCH (n:Pe')).toEqual({ items: ['Person'], replaced: 'Pe' });
  });

  it(':backup and :source complete file paths; directories end with /', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    mkdirSync(join(dir, 'backups'));
    mkdirSync(join(dir, 'backups', 'daily'));
    writeFileSync(join(dir, 'setup.cypher'), '');
    writeFileSync(join(dir, 'seed.cypher'), '');
    writeFileSync(join(dir, '.hidden'), '');
    const src = source(dir);
    expect(complete(':source s', src).items).toEqual(['seed.cypher', 'setup.cypher']);
    expect(complete(':backup b', src)).toEqual({ items: ['backups/'], replaced: 'b' });
    expect(complete(':backup backups/d', src)).toEqual({ items: ['backups/daily/'], replaced: 'backups/d' });
    expect(complete(':backup backups/daily ', src).items).toEqual(['--incremental']);
    expect(complete(':source .h', src).items).toEqual(['.hidden']);
    expect(complete(`:source ${dir}/se`, src).items).toEqual([`${dir}/seed.cypher`, `${dir}/setup.cypher`]);
    expect(completeFiles('nowhere/x', dir)).toEqual([]);
  });
});

describe('through a session', () => {
  it('takes labels, types, keys and parameters from the database', async () => {
    const db = memoryDb();
    cleanups.push(() => db.close());
    const s = newSession({ db });
    await collect(s, "CREATE (:Movie {title: 'x'})-[:ACTED_IN]->(:Actor {name: 'y'});");
    await collect(s, ':param year => 1999');
    expect(s.complete('MATCH (m:Mo', 11).items).toEqual(['Movie']);
    expect(s.complete('MATCH ()-[:AC', 13).items).toEqual(['ACTED_IN']);
    expect(s.complete('MATCH (m) RETURN m.ti', 21).items).toEqual(['title']);
    expect(s.complete('RETURN $y', 9).items).toEqual(['year']);
  });
});
