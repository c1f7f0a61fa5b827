import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { AlertsPanel } from '../../tui/panels/Alerts.js';
import { CachePanel } from '../../tui/panels/Cache.js';
import { Header } from '../../tui/panels/Header.js';
import { HealthPanel } from '../../tui/panels/Health.js';
import { JobsPanel } from '../../tui/panels/Jobs.js';
import { LatencyPanel } from '../../tui/panels/Latency.js';
import { StoragePanel } from '../../tui/panels/Storage.js';
import { Summary } from '../../tui/panels/Summary.js';
import { ThroughputPanel } from '../../tui/panels/Throughput.js';
import { WalPanel } from '../../tui/panels/Wal.js';
import { displayWidth } from '../../tui/text-width.js';
import { degradedSnapshot, emptySnapshot, jobsSnapshot, makeSnapshot, unhealthySnapshot } from './fixtures.js';

process.env.TZ = 'UTC';

/** Render once and return the frame's lines, each checked to fit the width. */
function draw(node: React.ReactElement, width: number): string[] {
  const { lastFrame, unmount } = render(node);
  const lines = (lastFrame() ?? '').split('\n');
  unmount();
  for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(width);
  return lines.map((l) => l.trimEnd());
}

const box = { variant: 'box' as const, width: 60 };
const row = { variant: 'row' as const, width: 80 };

describe('Throughput panel', () => {
  it('shows current rates and a sparkline per rate', () => {
    const s = makeSnapshot();
    const lines = draw(<ThroughputPanel {...box} height={6} transactions={s.transactions} takenAtMs={s.takenAtMs} />, 60);
    expect(lines[0]).toMatch(/^╭─ Throughput · last 5m ─+╮$/);
    expect(lines[1]).toMatch(/│ tx\/s +142 +[▁▂▃▄▅▆▇█]{30,} │/);
    expect(lines[2]).toContain('12.3k');
    expect(lines[3]).toContain('310');
    expect(lines[4]).toContain('committed 9,876,543 · rolled back 12');
    expect(lines[5]).toMatch(/^╰─+╯$/);
  });

  it('reads with an empty history', () => {
    const s = emptySnapshot();
    const lines = draw(<ThroughputPanel {...row} width={40} height={3} transactions={s.transactions} takenAtMs={s.takenAtMs} />, 40);
    expect(lines[0]).toMatch(/^tx\/s +0$/);
    expect(lines.join('\n')).not.toMatch(/[▁▂▃▄▅▆▇█]/);
  });
});

describe('Latency panel', () => {
  it('shows p50/p95/p99 for commits and queries', () => {
    const s = makeSnapshot();
    const lines = draw(<LatencyPanel {...row} width={43} height={3} commitLatencyMs={s.commitLatencyMs} queryLatencyMs={s.queryLatencyMs} />, 43);
    expect(lines[0]).toBe('commit  p50 1.23  p95 4.1  p99 9.8 ms');
    expect(lines[1]).toBe('query   p50 0.42  p95 2.2  p99 12.4 ms');
  });

  it('keeps p99 when room runs out and says when nothing was measured', () => {
    const s = makeSnapshot();
    const narrow = draw(<LatencyPanel {...row} width={24} height={2} commitLatencyMs={s.commitLatencyMs} queryLatencyMs={s.queryLatencyMs} />, 24);
    expect(narrow[0]).toBe('commit  p99 9.8 ms');
    const e = emptySnapshot();
    const none = draw(<LatencyPanel {...box} height={5} commitLatencyMs={e.commitLatencyMs} queryLatencyMs={e.queryLatencyMs} />, 60);
    expect(none[1]).toContain('commit  no samples yet');
  });
});

describe('WAL panel', () => {
  it('shows the log against its maximum, frames, checkpoint age and syncs', () => {
    const s = makeSnapshot();
    const lines = draw(<WalPanel {...box} height={6} wal={s.wal} takenAtMs={s.takenAtMs} status="healthy" />, 60);
    expect(lines[1]).toMatch(/│ █+░+ +42% │/);
    expect(lines[2]).toContain('27.0 MiB of 64.0 MiB');
    expect(lines[3]).toContain('checkpoint 12s ago (85 ms)');
    expect(lines[3]).toContain('1,234 frames pending');
    expect(lines[4]).toContain('pending syncs 0');
    expect(lines.join('\n')).not.toContain('archive');
  });

  it('shows archive lag and pending syncs when there are some', () => {
    const s = degradedSnapshot();
    const lines = draw(<WalPanel {...row} width={100} height={2} wal={s.wal} takenAtMs={s.takenAtMs} status="degraded" />, 100);
    expect(lines[0]).toMatch(/^WAL +█+░+ +91%/);
    expect(lines[1]).toContain('2 syncs pending');
    expect(lines[1]).toContain('archive lag 40 frames');
  });

  it('says never for a database never checkpointed', () => {
    const s = emptySnapshot();
    const lines = draw(<WalPanel {...row} height={1} wal={s.wal} takenAtMs={s.takenAtMs} status={null} />, 80);
    expect(lines[0]).toContain('last ckpt never');
  });
});

describe('Cache and Storage panels', () => {
  it('shows hit rate, residency, dirty pages and evictions', () => {
    const s = makeSnapshot();
    const lines = draw(<CachePanel {...row} height={1} cache={s.cache} status="healthy" />, 80);
    expect(lines[0]).toBe('Cache    hit 99.2% · 8,192/8,192 pages · 120 dirty · 3,400 evictions');
  });

  it('shows a dash for an unknown hit rate and fragmentation', () => {
    const s = emptySnapshot();
    expect(draw(<CachePanel {...row} height={1} cache={s.cache} status={null} />, 80)[0]).toContain('hit —');
    const storage = draw(<StoragePanel {...box} height={5} database={s.database} storage={s.storage} />, 60);
    expect(storage.join('\n')).toContain('fragmentation —');
    expect(storage.join('\n')).not.toContain('disk free');
  });

  it('shows size, free pages, fragmentation, nodes and relationships', () => {
    const s = makeSnapshot();
    const lines = draw(<StoragePanel {...row} height={1} database={s.database} storage={s.storage} />, 80);
    expect(lines[0]).toBe('Storage  1.20 GiB · 1,024 free pages · frag 3.1% · 1.23M nodes · 3.46M rels');
  });
});

describe('Health panel', () => {
  it('says Healthy in words', () => {
    const s = makeSnapshot();
    const lines = draw(<HealthPanel {...row} height={1} health={s.health} takenAtMs={s.takenAtMs} />, 80);
    expect(lines[0]).toBe('Health   ● Healthy · all 5 checks pass');
  });

  it('lists failing checks with their messages, worst first', () => {
    const s = unhealthySnapshot();
    const lines = draw(<HealthPanel {...box} height={7} health={s.health} takenAtMs={s.takenAtMs} />, 60);
    const text = lines.join('\n');
    expect(lines[1]).toContain('✖ Unhealthy');
    expect(lines[2]).toContain('✖ corruption: 3 pages failed their checksum');
    expect(text).toContain('▲ wal_size: WAL 58.0 MiB of 64.0 MiB');
    expect(text).toContain('▲ backup_age: last backup 26h ago');
  });

  it('fits a degraded verdict and the worst check on one row', () => {
    const s = degradedSnapshot();
    const lines = draw(<HealthPanel {...row} height={1} health={s.health} takenAtMs={s.takenAtMs} />, 80);
    expect(lines[0]).toMatch(/^Health   ▲ Degraded · wal_size: WAL 58.0 MiB.*…$/);
    const two = draw(<HealthPanel {...row} width={100} height={1} health={s.health} takenAtMs={s.takenAtMs} />, 100);
    expect(two[0]).toContain('(+1 more)');
  });

  it('says when no checks are reported', () => {
    const s = emptySnapshot();
    expect(draw(<HealthPanel {...row} height={1} health={s.health} takenAtMs={s.takenAtMs} />, 80)[0]).toContain('no checks reported');
  });
});

describe('Jobs panel', () => {
  it('shows running jobs with progress bars and recent results newest first', () => {
    const s = jobsSnapshot();
    const lines = draw(<JobsPanel {...box} width={80} height={7} jobs={s.jobs} takenAtMs={s.takenAtMs} />, 80);
    expect(lines[0]).toContain('Jobs · 2 running');
    expect(lines[1]).toMatch(/▶ backup  copying pages  █+░+  61%  6,100\/10,000  42s/);
    expect(lines[2]).toMatch(/▶ verify  checking adjacency  120,000 done/);
    expect(lines[3]).toContain('✓ checkpoint succeeded 20s ago (1s)');
    expect(lines[4]).toContain('✖ backup failed 5m ago (10s): IO_NO_SPACE no space left on device');
    expect(lines[5]).toContain('⊘ compact cancelled 1h ago');
  });

  it('says none running, with the last result, on one row', () => {
    const s = makeSnapshot();
    const lines = draw(<JobsPanel {...row} height={1} jobs={s.jobs} takenAtMs={s.takenAtMs} />, 80);
    expect(lines[0]).toBe('Jobs     none running · last: ✓ verify succeeded 2m ago (4s)');
  });
});

describe('Alerts panel', () => {
  it('lists alerts newest first with time, level word, code and message', () => {
    const s = degradedSnapshot();
    const lines = draw(<AlertsPanel {...box} width={90} height={4} alerts={s.alerts} />, 90);
    expect(lines[1]).toContain('03:11:40 ERROR IO_NO_SPACE backup to /backups/graph failed');
    expect(lines[2]).toContain('03:07:40 WARN  slow commit: 812 ms');
  });

  it('says when there is nothing', () => {
    expect(draw(<AlertsPanel {...row} height={1} alerts={[]} />, 80)[0]).toContain('no recent warnings or errors');
  });
});

describe('Header and summary', () => {
  it('shows title, path, the flags that matter, uptime, refresh and PAUSED', () => {
    const s = unhealthySnapshot();
    const lines = draw(
      <Header title="ombra" database={s.database} uptimeSeconds={s.uptimeSeconds} refreshMs={2000} paused metricsError={null} staleSeconds={null} width={130} />,
      130,
    );
    expect(lines[0]).toBe(
      'ombra · /var/lib/ombra/graph.db · PAUSED · READ-ONLY · MAINTENANCE · ACCESS CONTROL OFF · encrypted · up 3h 12m · refresh 2s',
    );
  });

  it('cuts the path from the left before dropping flags', () => {
    const s = unhealthySnapshot();
    const lines = draw(<Header title="ombra" database={s.database} uptimeSeconds={5} refreshMs={1000} paused={false} metricsError={null} staleSeconds={null} width={100} />, 100);
    expect(lines[0]).toContain('READ-ONLY · MAINTENANCE · ACCESS CONTROL OFF');
    expect(lines[0]).toMatch(/^ombra · …[a-z/]+\/graph\.db · READ-ONLY/);
    // Narrower: the flags stay, the path goes.
    const narrow = draw(<Header title="ombra" database={s.database} uptimeSeconds={5} refreshMs={1000} paused={false} metricsError={null} staleSeconds={null} width={80} />, 80);
    expect(narrow[0]).toMatch(/^ombra · READ-ONLY · MAINTENANCE · ACCESS CONTROL OFF/);
  });

  it('says when metrics fail or are overdue', () => {
    const s = makeSnapshot();
    const failed = draw(<Header title="ombra" database={s.database} uptimeSeconds={5} refreshMs={1000} paused={false} metricsError="worker exited" staleSeconds={null} width={100} />, 100);
    expect(failed[0]).toContain('metrics unavailable: worker exited');
    const stale = draw(<Header title="ombra" database={s.database} uptimeSeconds={5} refreshMs={1000} paused={false} metricsError={null} staleSeconds={42} width={100} />, 100);
    expect(stale[0]).toContain('metrics 42s old');
  });

  it('summarises status, tx/s, p99, WAL and hit rate on one line', () => {
    const s = degradedSnapshot();
    const lines = draw(<Summary snapshot={s} title="ombra" paused={false} metricsError={null} staleSeconds={null} width={60} height={2} />, 60);
    expect(lines[0]).toBe('▲ Degraded · tx/s 142 · p99 9.8 ms · WAL 91% · hit 99.2%');
    expect(lines[1]).toContain('encrypted');
    const tiny = draw(<Summary snapshot={s} title="ombra" paused={false} metricsError={null} staleSeconds={null} width={21} height={1} />, 21);
    expect(tiny[0]).toBe('▲ Degraded · tx/s 142');
  });
});
