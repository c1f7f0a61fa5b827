// The demo graph: a small social network, built as a job (its progress bar shows in the
// dashboard's Jobs panel, or on stderr in the line shell) and then kept moving by a gentle
// synthetic workload (demos/workload.ts) so the panels have something to show.
//
//   (:Person {id, name, age, joined})  ─[:KNOWS {since}]→  (:Person)
//   (:Person) ─[:LIVES_IN {since}]→ (:City {name, country})
//   (:Person) ─[:WORKS_AT {role}]→ (:Company {name, industry})
//
// Defaults: 3,000 people, 40 cities, 120 companies, about 5 KNOWS per person: ~3,200 nodes and
// ~22,000 relationships, built in a few seconds. Names come from a seeded generator, so the
// same seed gives the same graph (and the README's sample queries their answers).
//
// `ombra demo` loads this module beside the engine (shell/worker-extension.ts): in the
// dashboard it builds in the background and starts the workload (key `w` toggles it); in
// the line shell it waits for the build and runs no workload.

import type { Database } from '../src/database.js';
import type { Job, JobContext } from '../src/ops/job.js';
import type { AttachWorkerExtension, WorkerExtension } from '../shell/worker-extension.js';
import { seededRandom } from './random.js';
import { SocialWorkload } from './workload.js';

export interface SocialGraphOptions {
  people?: number;
  seed?: number;
  /** Delete whatever the database holds first (`ombra demo --fresh`). */
  fresh?: boolean;
}

export interface DemoOptions extends SocialGraphOptions {
  /** Start the synthetic workload once the graph is built. */
  workload?: boolean;
  /** Workload operations per second (default 20). */
  ratePerSecond?: number;
  /** Resolve attach only once the graph is built (the line shell). */
  waitForBuild?: boolean;
}

export interface SocialGraphReport {
  people: number;
  cities: number;
  companies: number;
  relationships: number;
  durationMs: number;
  /** False when the database already held the graph and nothing was built. */
  built: boolean;
}

const FIRST = ['Ada', 'Ben', 'Cleo', 'Dan', 'Eve', 'Finn', 'Gia', 'Hugo', 'Ines', 'Jon', 'Kai', 'Lena', 'Milo', 'Nora', 'Omar', 'Pia', 'Quinn', 'Rosa', 'Sam', 'Tara', 'Uma', 'Vic', 'Wen', 'Xia', 'Yuri', 'Zoe'];
const LAST = ['Adler', 'Berg', 'Costa', 'Dahl', 'Evans', 'Fischer', 'Garcia', 'Haas', 'Ito', 'Jensen', 'Khan', 'Lund', 'Moreau', 'Novak', 'Okafor', 'Park', 'Rossi', 'Silva', 'Tanaka', 'Ueda', 'Vogel', 'Weber', 'Young', 'Zhou'];
const CITIES: [string, string][] = [
  ['Lisbon', 'PT'], ['Porto', 'PT'], ['Madrid', 'ES'], ['Seville', 'ES'], ['Lyon', 'FR'], ['Paris', 'FR'], ['Turin', 'IT'], ['Milan', 'IT'],
  ['Zurich', 'CH'], ['Vienna', 'AT'], ['Munich', 'DE'], ['Berlin', 'DE'], ['Hamburg', 'DE'], ['Prague', 'CZ'], ['Krakow', 'PL'], ['Warsaw', 'PL'],
  ['Oslo', 'NO'], ['Bergen', 'NO'], ['Malmo', 'SE'], ['Stockholm', 'SE'], ['Helsinki', 'FI'], ['Tallinn', 'EE'], ['Riga', 'LV'], ['Dublin', 'IE'],
  ['Cork', 'IE'], ['Leeds', 'GB'], ['London', 'GB'], ['Ghent', 'BE'], ['Utrecht', 'NL'], ['Amsterdam', 'NL'], ['Athens', 'GR'], ['Sofia', 'BG'],
  ['Bucharest', 'RO'], ['Zagreb', 'HR'], ['Ljubljana', 'SI'], ['Budapest', 'HU'], ['Vilnius', 'LT'], ['Aarhus', 'DK'], ['Copenhagen', 'DK'], ['Bologna', 'IT'],
];
const INDUSTRIES = ['software', 'logistics', 'energy', 'retail', 'health', 'finance', 'media', 'games'];
const ROLES = ['engineer', 'designer', 'manager', 'analyst', 'operator', 'writer'];
const COMPANY_PARTS = ['Nimbus', 'Quartz', 'Harbor', 'Vector', 'Lumen', 'Cobalt', 'Juniper', 'Atlas', 'Ember', 'Orbit', 'Pioneer', 'Tidal'];

const BATCH = 250;
/** The slow-operation threshold while the graph builds (see startSocialGraphBuild). */
const BUILD_SLOW_OPERATION_MS = 5000;

/** True when the database already holds the demo graph. */
export function hasSocialGraph(db: Database): boolean {
  const rows = db.query('MATCH (p:Person) RETURN count(p) AS people').rows;
  return Number(rows[0]?.[0] ?? 0) > 0;
}

/** Build the graph as a job (kind 'import') and wait for its report. */
export function buildSocialGraph(db: Database, options: SocialGraphOptions = {}): Promise<SocialGraphReport> {
  return startSocialGraphBuild(db, options).result;
}

/** Start building the graph as a job (kind 'import'); progress counts entities created. */
export function startSocialGraphBuild(db: Database, options: SocialGraphOptions = {}): Job<SocialGraphReport> {
  const people = options.people ?? 3000;
  const random = seededRandom(options.seed ?? 7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const companies = Array.from({ length: 120 }, (_, i) => ({ name: `${COMPANY_PARTS[i % COMPANY_PARTS.length]} ${Math.floor(i / COMPANY_PARTS.length) + 1}`, industry: pick(INDUSTRIES) }));
  return db.jobs.start({
    kind: 'import',
    description: `demo: social graph of ${people} people`,
    exclusive: false,
    body: async (ctx) => {
      const started = performance.now();
      // Built already: nothing to do, so nothing to reconfigure either (a user without the
      // Configure permission may open the demo).
      if (!options.fresh && hasSocialGraph(db)) {
        return { people: 0, cities: 0, companies: 0, relationships: 0, durationMs: performance.now() - started, built: false };
      }
      // Bulk statements of a few hundred ms each are what a build is, not slow queries: the
      // warnings would bury real alerts (and spam a piped demo's stderr) for the build's
      // length. The threshold comes back afterwards unless someone changed it meanwhile.
      const threshold = db.config.slowOperationMs;
      const quiet = Math.max(threshold, BUILD_SLOW_OPERATION_MS);
      if (!db.config.readOnly && quiet !== threshold) db.configure({ slowOperationMs: quiet });
      try {
        return await buildBody(ctx, started);
      } finally {
        if (!db.isClosed && db.config.slowOperationMs === quiet && quiet !== threshold) db.configure({ slowOperationMs: threshold });
      }
    },
  });

  async function buildBody(ctx: JobContext, started: number): Promise<SocialGraphReport> {
    if (options.fresh) {
      ctx.progress({ phase: 'deleting the old graph' });
      db.query('MATCH (n) DETACH DELETE n');
      await ctx.checkpoint();
    }
    const knowsPerPerson = 5;
    const total = CITIES.length + companies.length + people * 3 + people * knowsPerPerson;
    let done = 0;
    ctx.progress({ phase: 'creating indexes', done, total });
    for (const statement of [
      'CREATE INDEX person_id IF NOT EXISTS FOR (p:Person) ON (p.id)',
      'CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.name)',
      'CREATE INDEX city_name IF NOT EXISTS FOR (c:City) ON (c.name)',
      'CREATE INDEX company_name IF NOT EXISTS FOR (c:Company) ON (c.name)',
    ]) {
      db.query(statement);
    }
    ctx.progress({ phase: 'cities and companies' });
    db.query('UNWIND $cities AS c CREATE (:City {name: c[0], country: c[1]})', { cities: CITIES });
    db.query('UNWIND $companies AS c CREATE (:Company {name: c.name, industry: c.industry})', { companies });
    done += CITIES.length + companies.length;
    ctx.progress({ done });
    await ctx.checkpoint();

    let relationships = 0;
    for (let from = 0; from < people; from += BATCH) {
      const batch = [];
      for (let id = from; id < Math.min(people, from + BATCH); id++) {
        batch.push({
          id,
          name: `${pick(FIRST)} ${pick(LAST)}`,
          age: 18 + Math.floor(random() * 60),
          joined: 2008 + Math.floor(random() * 17),
          city: pick(CITIES)[0],
          since: 1990 + Math.floor(random() * 35),
          company: random() < 0.8 ? pick(companies).name : null,
          role: pick(ROLES),
        });
      }
      ctx.progress({ phase: `people ${from + 1}..${from + batch.length}` });
      db.query(
        'UNWIND $batch AS p CREATE (n:Person {id: p.id, name: p.name, age: p.age, joined: p.joined}) ' +
          'WITH n, p MATCH (c:City {name: p.city}) CREATE (n)-[:LIVES_IN {since: p.since}]->(c)',
        { batch },
      );
      const employed = batch.filter((p) => p.company !== null);
      db.query('UNWIND $batch AS p MATCH (n:Person {id: p.id}), (c:Company {name: p.company}) CREATE (n)-[:WORKS_AT {role: p.role}]->(c)', { batch: employed });
      relationships += batch.length + employed.length;
      done += batch.length * 3;
      ctx.progress({ done });
      await ctx.checkpoint();
    }

    for (let from = 0; from < people; from += BATCH) {
      const pairs = [];
      for (let id = from; id < Math.min(people, from + BATCH); id++) {
        for (let k = 0; k < knowsPerPerson; k++) {
          // Mostly near neighbours (friends of friends exist), some anywhere.
          const other = random() < 0.7 ? (id + 1 + Math.floor(random() * 40)) % people : Math.floor(random() * people);
          if (other !== id) pairs.push({ a: id, b: other, since: 2008 + Math.floor(random() * 17) });
        }
      }
      ctx.progress({ phase: `friendships of people ${from + 1}..${Math.min(people, from + BATCH)}` });
      db.query('UNWIND $pairs AS k MATCH (a:Person {id: k.a}), (b:Person {id: k.b}) CREATE (a)-[:KNOWS {since: k.since}]->(b)', { pairs });
      relationships += pairs.length;
      done += (Math.min(people, from + BATCH) - from) * knowsPerPerson;
      ctx.progress({ done });
      await ctx.checkpoint();
    }
    ctx.progress({ phase: 'done', done: total });
    return { people, cities: CITIES.length, companies: companies.length, relationships, durationMs: performance.now() - started, built: true };
  }
}

/** The demo as a worker extension (shell/worker-extension.ts): build, then the workload. */
export const attachWorkerExtension: AttachWorkerExtension = async (host, raw) => {
  const options = (raw ?? {}) as DemoOptions;
  const { db } = host;
  const workload = new SocialWorkload(db, { ratePerSecond: options.ratePerSecond ?? 20, people: options.people ?? 3000, seed: (options.seed ?? 7) + 1 });
  let closed = false;
  const job = db.config.readOnly ? null : startSocialGraphBuild(db, options);
  const build = job === null
    ? Promise.resolve(null)
    : job.result.then(
        async (report) => {
          if (report.built) {
            host.note(`demo graph built: ${report.people} people, ${report.cities} cities, ${report.companies} companies, ${report.relationships} relationships in ${(report.durationMs / 1000).toFixed(1)} s`);
            // After a bulk load, as an operator would: the graph moves from the WAL into the
            // file, so the Storage and WAL panels start from a settled database.
            if (!closed) await db.checkpoint('passive').catch(() => undefined);
          }
          return report;
        },
        (error: unknown) => {
          if (!closed) host.note(`demo graph build failed: ${error instanceof Error ? error.message : String(error)}`);
          return null;
        },
      );
  const started = build.then(() => {
    if (options.workload && !closed) {
      workload.start();
      host.note(`synthetic workload on: ${workload.ratePerSecond} operations/s (Tab, then w, toggles it)`);
    }
  });
  if (options.waitForBuild) await started;
  const extension: WorkerExtension = {
    actions: {
      toggleWorkload: () => {
        if (workload.running) {
          workload.stop();
          return `workload off (${workload.summary()})`;
        }
        workload.start();
        return `workload on: ${workload.ratePerSecond} operations/s`;
      },
    },
    close: async () => {
      closed = true;
      workload.stop();
      if (job !== null) {
        try {
          db.jobs.cancel(job.id);
        } catch {
          // The build already ended.
        }
      }
      await started.catch(() => undefined);
    },
  };
  return extension;
};
