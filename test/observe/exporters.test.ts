// Exact formats of the three exporters. The Prometheus text is checked with a strict parser
// written from the exposition format spec (text format 0.0.4): every line is a HELP, TYPE or
// sample line (or blank); names and labels are valid; counters end in _total; histogram
// buckets are cumulative, end with +Inf, and +Inf equals _count.
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/database.js';
import { exportMetrics, StatsdExporter, toJsonText, toPrometheus } from '../../src/observe/exporters.js';
import type { MetricsSnapshot } from '../../src/observe/snapshot.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Family {
  name: string;
  help: string | null;
  type: string | null;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`bad sample value '${text}'`);
  return Number(text);
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`bad labels in: ${line}`);
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) throw new Error(`bad label name '${name}' in: ${line}`);
    if (name in labels) throw new Error(`duplicate label '${name}' in: ${line}`);
    if (text[eq + 1] !== '"') throw new Error(`label value not quoted in: ${line}`);
    let j = eq + 2;
    let value = '';
    for (;;) {
      const c = text[j];
      if (c === undefined) throw new Error(`unterminated label value in: ${line}`);
      if (c === '\\') {
        const n = text[j + 1];
        if (n === 'n') value += '\n';
        else if (n === '\\' || n === '"') value += n;
        else throw new Error(`bad escape in: ${line}`);
        j += 2;
        continue;
      }
      if (c === '"') break;
      if (c === '\n') throw new Error(`raw newline in label value: ${line}`);
      value += c;
      j++;
    }
    labels[name] = value;
    j++;
    if (j < text.length) {
      if (text[j] !== ',') throw new Error(`expected ',' between labels in: ${line}`);
      j++;
    }
    i = j;
  }
  return labels;
}

/** A strict parser of the Prometheus text format; throws on anything the spec does not allow. */
function parsePrometheus(text: string): Map<string, Family> {
  expect(text.endsWith('\n')).toBe(true);
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, help: null, type: null, samples: [] }));
    return f;
  };
  for (const line of text.slice(0, -1).split('\n')) {
    if (line.trim() === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^# HELP (\S+) (.*)$/.exec(line))) {
      if (!NAME.test(m[1]!)) throw new Error(`bad metric name in HELP: ${line}`);
      const f = family(m[1]!);
      if (f.help !== null) throw new Error(`second HELP for ${m[1]}`);
      f.help = m[2]!;
      continue;
    }
    if ((m = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line))) {
      const f = family(m[1]!);
      if (f.type !== null || f.samples.length > 0) throw new Error(`TYPE after samples or twice: ${line}`);
      f.type = m[2]!;
      continue;
    }
    if (line.startsWith('#')) throw new Error(`unexpected comment line: ${line}`);
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const name = m[1]!;
    const base = [...families.keys()].reverse().find((f) => name === f || (families.get(f)!.type === 'histogram' && [`${f}_bucket`, `${f}_sum`, `${f}_count`].includes(name)));
    if (base === undefined) throw new Error(`sample without HELP/TYPE: ${line}`);
    family(base).samples.push({ name, labels: parseLabels(m[2] ?? '', line), value: parseValue(m[3]!) });
  }
  return families;
}

function checkFamilies(families: Map<string, Family>): void {
  for (const f of families.values()) {
    expect(f.help, f.name).not.toBeNull();
    expect(f.type, f.name).not.toBeNull();
    expect(f.name.startsWith('ombra_'), f.name).toBe(true);
    expect(f.samples.length, f.name).toBeGreaterThan(0);
    if (f.type === 'counter') {
      expect(f.name.endsWith('_total'), f.name).toBe(true);
      for (const s of f.samples) expect(s.value).toBeGreaterThanOrEqual(0);
    } else {
      expect(f.name.endsWith('_total'), f.name).toBe(false);
    }
    if (f.type === 'histogram') {
      const buckets = f.samples.filter((s) => s.name === `${f.name}_bucket`);
      const les = buckets.map((b) => parseValue(b.labels.le!));
      expect(les.at(-1)).toBe(Infinity);
      for (let i = 1; i < buckets.length; i++) {
        expect(les[i]).toBeGreaterThan(les[i - 1]!);
        expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
      }
      const count = f.samples.find((s) => s.name === `${f.name}_count`)!;
      expect(f.samples.find((s) => s.name === `${f.name}_sum`)).toBeDefined();
      expect(buckets.at(-1)!.value).toBe(count.value);
      expect(f.name.endsWith('_seconds')).toBe(true);
    }
  }
}

async function busySnapshot(): Promise<{ snapshot: MetricsSnapshot; db: Database }> {
  const db = Database.open(':memory:', { logDestination: 'memory', pageSizeBytes: 4096 });
  for (let i = 0; i < 20; i++) {
    const txn = db.pager.beginWrite();
    txn.allocate(3);
    txn.commit();
  }
  db.observer.recordQuery(0.5, { write: false });
  db.observer.recordQuery(2500, { write: true });
  db.observer.recordWrites(3);
  await db.checkpoint('passive');
  return { snapshot: db.metrics(), db };
}

describe('Prometheus exporter', () => {
  it('produces valid exposition text with the expected families and values', async () => {
    const { snapshot, db } = await busySnapshot();
    const text = await toPrometheus(snapshot);
    const families = parsePrometheus(text);
    checkFamilies(families);
    const value = (name: string, labels: Record<string, string> = {}) =>
      [...families.values()].flatMap((f) => f.samples).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))!.value;
    expect(families.get('ombra_transactions_committed_total')!.type).toBe('counter');
    expect(value('ombra_transactions_committed_total')).toBe(20);
    expect(value('ombra_reads_total')).toBe(1);
    expect(value('ombra_entities_written_total')).toBe(3);
    expect(value('ombra_checkpoints_total')).toBe(1);
    expect(value('ombra_wal_max_bytes')).toBe(snapshot.wal.maxBytes);
    expect(value('ombra_health_status')).toBe(0);
    expect(value('ombra_health_check_status', { check: 'wal_size' })).toBe(0);
    expect(value('ombra_info', { path: ':memory:' })).toBe(1);
    expect(value('ombra_jobs_ended_total', { state: 'succeeded' })).toBe(1);

    const commit = families.get('ombra_commit_latency_seconds')!;
    expect(commit.type).toBe('histogram');
    expect(value('ombra_commit_latency_seconds_count')).toBe(20);
    const query = families.get('ombra_query_latency_seconds')!;
    const le = (bound: string) => query.samples.find((s) => s.name === 'ombra_query_latency_seconds_bucket' && s.labels.le === bound)!.value;
    expect(le('0.001024')).toBe(1); // 0.5 ms
    expect(le('2.097152')).toBe(1); // 2.5 s is above 2.097 s
    expect(le('4.194304')).toBe(2);
    expect(le('+Inf')).toBe(2);
    expect(value('ombra_query_latency_seconds_sum')).toBeCloseTo(2.5005, 6);
    await db.close();
  });

  it('escapes label values and uses a private registry (exports do not leak into each other)', async () => {
    const { snapshot, db } = await busySnapshot();
    const odd = { ...snapshot, database: { ...snapshot.database, path: 'C:\\data\\"quoted"\nnext.db' } };
    const families = parsePrometheus(await toPrometheus(odd));
    expect(families.get('ombra_info')!.samples[0]!.labels.path).toBe('C:\\data\\"quoted"\nnext.db');
    // Exporting twice does not register twice (a shared registry would throw).
    const again = parsePrometheus(await toPrometheus(snapshot));
    expect(again.get('ombra_info')!.samples[0]!.labels.path).toBe(':memory:');
    const { register } = await import('prom-client');
    expect(await register.getMetricsAsJSON()).toEqual([]);
    await db.close();
  });

  it('omits what is unknown rather than inventing values', async () => {
    const { snapshot, db } = await busySnapshot();
    const bare: MetricsSnapshot = { ...snapshot, histograms: undefined, cache: { ...snapshot.cache, hitRate: null }, storage: { ...snapshot.storage, diskFreeBytes: null } };
    const families = parsePrometheus(await toPrometheus(bare));
    checkFamilies(families);
    expect(families.has('ombra_commit_latency_seconds')).toBe(false);
    expect(families.has('ombra_cache_hit_ratio')).toBe(false);
    expect(families.has('ombra_disk_free_bytes')).toBe(false);
    expect(families.has('ombra_database_fragmentation_ratio')).toBe(false);
    await db.close();
  });
});

describe('JSON exporter', () => {
  it('is the snapshot itself, one object, bigints exact', async () => {
    const { snapshot, db } = await busySnapshot();
    const text = await exportMetrics(snapshot, 'json');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(snapshot, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))));
    expect(toJsonText({ lsn: 12345678901234567890n, nested: [1n] })).toBe('{"lsn":12345678901234567890,"nested":[1]}');
    // Checkpoint job reports carry a bigint LSN.
    expect(JSON.parse(text).jobs.recent[0].report.lsn).toBe(20);
    await db.close();
  });
});

describe('StatsD exporter', () => {
  const LINE = /^[a-z][a-z0-9_.]*:-?\d+(\.\d+)?\|(c|g|ms)(\|@\d(\.\d+)?(e-\d+)?)?$/;

  it('writes counters as deltas since the previous export, gauges and timings', async () => {
    const { snapshot, db } = await busySnapshot();
    const exporter = new StatsdExporter();
    const first = exporter.format(snapshot);
    const lines = first.trim().split('\n');
    for (const line of lines) expect(line).toMatch(LINE);
    expect(lines).toContain('ombra.transactions.committed:20|c');
    expect(lines).toContain('ombra.checkpoints:1|c');
    expect(lines).toContain(`ombra.wal.log_bytes:${snapshot.wal.logBytes}|g`);
    expect(lines).toContain('ombra.health.status:0|g');
    // Two queries (0.5 ms and 2500 ms): mean 1250.25 with sample rate 1/2.
    expect(lines).toContain('ombra.query.latency:1250.25|ms|@0.500000');
    expect(lines.find((l) => l.startsWith('ombra.query.latency.p99:'))).toMatch(/^ombra\.query\.latency\.p99:2500\|g$/);
    const commitTiming = lines.find((l) => l.startsWith('ombra.commit.latency:'))!;
    expect(commitTiming).toMatch(/\|ms\|@0\.0500000$/);

    for (let i = 0; i < 3; i++) {
      const txn = db.pager.beginWrite();
      txn.allocate(3);
      txn.commit();
    }
    const second = exporter.format(db.metrics()).trim().split('\n');
    expect(second).toContain('ombra.transactions.committed:3|c');
    expect(second).toContain('ombra.checkpoints:0|c');
    expect(second.some((l) => l.startsWith('ombra.query.latency:'))).toBe(false); // no new queries
    expect(second.find((l) => l.startsWith('ombra.commit.latency:'))).toMatch(/\|@0\.333333$/);
    await db.close();
  });
});
