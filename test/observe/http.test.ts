import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/database.js';
import { startMetricsServer } from '../../src/observe/http.js';
import { SimulatedFileSystem } from '../../src/storage/fs-sim.js';

const open: Database[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

function openDb(options: Parameters<typeof Database.open>[1] = {}): { db: Database; fs: SimulatedFileSystem } {
  const fs = new SimulatedFileSystem();
  fs.mkdir('/data');
  const db = Database.open('/data/g.db', { fs, logDestination: 'memory', pageSizeBytes: 4096, ...options });
  open.push(db);
  return { db, fs };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(host: string, port: number, path: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** An IPv4 address of this machine that is not loopback, if it has one. */
function externalAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

describe('metrics HTTP endpoint', () => {
  it('serves /metrics, /health and /ready on 127.0.0.1', async () => {
    const { db } = openDb();
    const txn = db.pager.beginWrite();
    txn.allocate(3);
    txn.commit();
    const server = await startMetricsServer(db, { port: 0 });
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);

    const metrics = await get('127.0.0.1', server.port, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(metrics.body).toContain('# TYPE ombra_transactions_committed_total counter\nombra_transactions_committed_total 1\n');
    expect(metrics.body).toContain('ombra_commit_latency_seconds_bucket{le="+Inf"} 1');

    const health = await get('127.0.0.1', server.port, '/health');
    expect(health.status).toBe(200);
    expect(health.headers['content-type']).toBe('application/json; charset=utf-8');
    const report = JSON.parse(health.body) as { status: string; checks: { name: string }[] };
    expect(report.status).toBe('healthy');
    expect(report.checks.map((c) => c.name)).toContain('wal_size');

    const ready = await get('127.0.0.1', server.port, '/ready');
    expect([ready.status, JSON.parse(ready.body)]).toEqual([200, { ready: true }]);

    expect((await get('127.0.0.1', server.port, '/nope')).status).toBe(404);
    const post = await get('127.0.0.1', server.port, '/metrics', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    const head = await get('127.0.0.1', server.port, '/metrics', 'HEAD');
    expect([head.status, head.body]).toEqual([200, '']);
  });

  it('answers 200 when degraded, 503 when unhealthy, and /ready 503 once shutting down', async () => {
    const { db, fs } = openDb({ circuitBreakerThreshold: 1, walSizeBytesMax: 64 * 1024, checkpointIntervalMs: 0 });
    const server = await startMetricsServer(db, { port: 0 });
    const reader = db.pager.beginRead();
    const big = db.pager.beginWrite();
    for (let i = 0; i < 20; i++) big.allocate(3);
    big.commit();
    const degraded = await get('127.0.0.1', server.port, '/health');
    expect([degraded.status, JSON.parse(degraded.body).status]).toEqual([200, 'degraded']);
    reader.end();

    fs.injectFault({ operation: 'sync', path: '/data/g.db-wal', errno: 'EIO', times: 1 });
    const failing = db.pager.beginWrite();
    failing.allocate(3);
    expect(() => failing.commit()).toThrow();
    const unhealthy = await get('127.0.0.1', server.port, '/health');
    expect([unhealthy.status, JSON.parse(unhealthy.body).status]).toEqual([503, 'unhealthy']);

    db.beginShutdown();
    const ready = await get('127.0.0.1', server.port, '/ready');
    expect([ready.status, JSON.parse(ready.body)]).toEqual([503, { ready: false }]);
  });

  it('is not reachable on other interfaces unless a host is given; closes with the database', async () => {
    const { db } = openDb();
    const server = await startMetricsServer(db, { port: 0 });
    const external = externalAddress();
    if (external !== null) {
      await expect(get(external, server.port, '/metrics')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      // The same check sees a server that does listen there (so the refusal above means something).
      const open = await startMetricsServer(db, { port: 0, host: '0.0.0.0' });
      expect((await get(external, open.port, '/ready')).status).toBe(200);
    }
    await expect(get('::1', server.port, '/metrics')).rejects.toMatchObject({ code: expect.stringMatching(/ECONNREFUSED|EADDRNOTAVAIL|EAFNOSUPPORT/) });
    await db.close();
    open.splice(open.indexOf(db), 1);
    await expect(get('127.0.0.1', server.port, '/metrics')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('fails with a coded error when the port is taken', async () => {
    const { db } = openDb();
    const first = await startMetricsServer(db, { port: 0 });
    await expect(startMetricsServer(db, { port: first.port })).rejects.toMatchObject({ code: 'IO', details: { port: first.port, errno: 'EADDRINUSE' } });
  });
});
