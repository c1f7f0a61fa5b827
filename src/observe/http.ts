// The opt-in metrics endpoint: Prometheus scrapes /metrics, load balancers and orchestrators
// probe /health and /ready. Bound to 127.0.0.1 unless a host is given explicitly, because
// the metrics name paths and the health messages describe the host; expose them on purpose.
//
//   GET /metrics   200, Prometheus text format 0.0.4
//   GET /health    200 healthy or degraded, 503 unhealthy; JSON body: the HealthReport
//   GET /ready     200 while open and not shutting down, else 503; JSON {"ready":bool}
//   anything else  404 (unknown path) or 405 (method other than GET/HEAD)
//
// The server closes with the database (Observer.attach); /ready turns 503 as soon as the
// database starts shutting down, before the server goes away.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StorageError, toOmbraError } from '../errors.js';
import { PROMETHEUS_CONTENT_TYPE, toJsonText, toPrometheus } from './exporters.js';
import type { Observer } from './observer.js';
import type { HealthReport, MetricsSnapshot } from './snapshot.js';

export const DEFAULT_METRICS_HOST = '127.0.0.1';

/** What the server needs from a database (Database implements it). */
export interface MetricsServerTarget {
  readonly observer: Observer;
  metrics(): MetricsSnapshot;
  health(): HealthReport;
  /** True once open and until close or shutdown begins. */
  readonly isReady: boolean;
}

export interface MetricsServerOptions {
  /** 0 picks a free port (see `port` of the result). */
  port: number;
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  host?: string;
}

export interface MetricsServer {
  readonly host: string;
  readonly port: number;
  /** http://host:port */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Start serving /metrics, /health and /ready for `db`. Resolves once listening; rejects with
 * a StorageError (IO) when the port cannot be bound. The server closes with the database.
 */
export async function startMetricsServer(db: MetricsServerTarget, options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? DEFAULT_METRICS_HOST;
  const server = createServer((req, res) => {
    handle(db, req, res).catch((error: unknown) => {
      const e = toOmbraError(error);
      if (!res.headersSent) send(res, 500, 'application/json', toJsonText({ error: { code: e.code, message: e.message } }), req.method === 'HEAD');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        new StorageError('IO', `cannot serve metrics on ${host}:${options.port}: ${error.code ?? ''} ${error.message}`.trim(), {
          host,
          port: options.port,
          errno: error.code,
        }),
      );
    };
    server.once('error', onError);
    server.listen(options.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let closed: Promise<void> | null = null;
  const handle_: MetricsServer = {
    host: address.address,
    port: address.port,
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    close: () => {
      if (closed === null) {
        detach();
        closed = closeServer(server);
      }
      return closed;
    },
  };
  const detach = db.observer.attach(handle_);
  db.observer.logger.event('metrics-server', `serving metrics on ${handle_.url}`, { host: handle_.host, port: handle_.port });
  return handle_;
}

async function handle(db: MetricsServerTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const head = req.method === 'HEAD';
  if (path !== '/metrics' && path !== '/health' && path !== '/ready') {
    send(res, 404, 'application/json', toJsonText({ error: 'not found', paths: ['/metrics', '/health', '/ready'] }), head);
    return;
  }
  if (req.method !== 'GET' && !head) {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, 405, 'application/json', toJsonText({ error: 'method not allowed' }), head);
    return;
  }
  switch (path) {
    case '/metrics':
      send(res, 200, PROMETHEUS_CONTENT_TYPE, await toPrometheus(db.metrics()), head);
      return;
    case '/health': {
      let report: HealthReport;
      try {
        report = db.health();
      } catch (error) {
        // A closed or broken database is not healthy, whatever the checks would say.
        const e = toOmbraError(error);
        send(res, 503, 'application/json', toJsonText({ status: 'unhealthy', checks: [], checkedAtMs: Date.now(), error: { code: e.code, message: e.message } }), head);
        return;
      }
      send(res, report.status === 'unhealthy' ? 503 : 200, 'application/json', toJsonText(report), head);
      return;
    }
    case '/ready': {
      const ready = db.isReady;
      send(res, ready ? 200 : 503, 'application/json', toJsonText({ ready }), head);
      return;
    }
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string, head: boolean): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType.includes('charset') ? contentType : `${contentType}; charset=utf-8`);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  res.end(head ? undefined : body);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections of scrapers would hold close() open until they time out.
    server.closeAllConnections();
  });
}
