// The dashboard: header, panels, the REPL's output and its input line, laid out for the
// terminal's size (layout.ts) and redrawn on resize. A pure function of the store's state;
// keys go to the store (use-key-input.ts), which is the only thing that changes it.

import { useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { Box, useCursor } from 'ink';
import type { MetricsSnapshot } from '../src/observe/snapshot.js';
import type { ConsoleState, ConsoleStore } from './console-store.js';
import { HelpOverlay, helpLines } from './HelpOverlay.js';
import { computeLayout, type Layout, type PanelSlot } from './layout.js';
import { Lines, seg, type Line } from './lines.js';
import { AlertsPanel } from './panels/Alerts.js';
import { CachePanel } from './panels/Cache.js';
import { checkStatus } from './panels/common.js';
import type { PanelVariant } from './panels/frame.js';
import { Header } from './panels/Header.js';
import { failingChecks, HealthPanel } from './panels/Health.js';
import { JobsPanel } from './panels/Jobs.js';
import { LatencyPanel } from './panels/Latency.js';
import { StoragePanel } from './panels/Storage.js';
import { Summary } from './panels/Summary.js';
import { ThroughputPanel } from './panels/Throughput.js';
import { WalPanel } from './panels/Wal.js';
import { inputView, ReplArea } from './Repl.js';
import { colorFromEnv, ThemeProvider } from './theme.js';
import type { CommandHelp } from './types.js';
import { useKeyInput } from './use-key-input.js';
import { useTerminalSize, type TerminalSize } from './use-terminal-size.js';

export interface DashboardProps {
  store: ConsoleStore;
  /** Shown first in the header: 'ombra', 'ombra demo'. */
  title: string;
  /** The :commands for the help overlay (DESIGN.md §7), from the app. */
  commands: readonly CommandHelp[];
  /** Fixed size instead of the terminal's (tests, embedding). */
  size?: TerminalSize;
  /** Colour on or off; default: on unless NO_COLOR is set. */
  color?: boolean;
}

export function Dashboard({ color, ...props }: DashboardProps) {
  return (
    <ThemeProvider color={color ?? colorFromEnv()}>
      <DashboardBody {...props} />
    </ThemeProvider>
  );
}

/** Seconds the snapshot is overdue by, when it is (polls stalled or failing), else null. */
function staleSeconds(state: ConsoleState): number | null {
  if (state.paused || state.snapshotReceivedAtMs === null) return null;
  const age = state.clockMs - state.snapshotReceivedAtMs;
  const limit = Math.max(3 * state.refreshMs, 3000);
  return state.metricsStalled && age > limit ? age / 1000 : null;
}

function DashboardBody({ store, title, commands, size }: Omit<DashboardProps, 'color'>) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const terminal = useTerminalSize(size);
  useKeyInput(store, state.exitCode === null);
  const s = state.snapshot;
  const inputLines = state.editor.search ? 1 : state.editor.text.split('\n').length;
  const layout = computeLayout({
    columns: terminal.columns,
    rows: terminal.rows,
    inputLines,
    completions: state.completions !== null,
    failingChecks: s ? failingChecks(s.health).length : 0,
    runningJobs: s ? s.jobs.running.length : 0,
    alerts: s ? s.alerts.length : 0,
  });
  useEffect(() => store.setViewport(layout.width, Math.max(1, layout.scrollback)), [store, layout.width, layout.scrollback]);

  const input = inputView(state.editor, state.focus, layout.width, layout.input);
  const { setCursorPosition } = useCursor();
  const cursorVisible = state.focus === 'repl' && !state.helpOpen && state.exitCode === null;
  setCursorPosition(cursorVisible ? { x: input.cursor.x, y: layout.height - layout.status - layout.input + input.cursor.y } : undefined);

  const stale = staleSeconds(state);
  // Help and an expanded panel take the panels, separator and output region.
  const regionHeight = layout.panelArea + layout.separator + layout.scrollback;
  const helpLength = useMemo(() => helpLines(commands, store.extraKeys, layout.width).length, [commands, store.extraKeys, layout.width]);
  useEffect(() => store.setHelpExtent(helpLength - Math.max(0, regionHeight - 1), regionHeight - 2), [store, helpLength, regionHeight]);
  let region: ReactNode;
  if (state.helpOpen) {
    region = <HelpOverlay commands={commands} extraKeys={store.extraKeys} width={layout.width} height={regionHeight} scroll={state.helpScroll} />;
  } else if (state.expandedPanel && s) {
    const slot: PanelSlot = { id: state.expandedPanel, x: 0, y: 0, width: layout.width, height: regionHeight };
    region = regionHeight >= 3 ? <Panel slot={slot} snapshot={s} variant="box" selected /> : null;
  } else {
    region = (
      <>
        {layout.panelArea > 0 && <PanelArea layout={layout} snapshot={s} selected={state.focus === 'panels' ? state.selectedPanel : null} />}
        {layout.separator > 0 && <Lines lines={[separatorLine(layout.width, state.scrollOffset)]} width={layout.width} height={1} />}
        {layout.scrollback > 0 && <Output store={store} version={state.scrollbackVersion} width={layout.width} height={layout.scrollback} offset={state.scrollOffset} />}
      </>
    );
  }

  return (
    <Box flexDirection="column" width={layout.width} height={layout.height} overflow="hidden">
      {layout.header > 0 && (
        <Header
          title={title}
          database={s?.database ?? null}
          uptimeSeconds={s?.uptimeSeconds ?? null}
          refreshMs={state.refreshMs}
          paused={state.paused}
          metricsError={state.metricsError}
          staleSeconds={stale}
          width={layout.width}
        />
      )}
      {layout.summary > 0 && (
        <Summary snapshot={s} title={title} paused={state.paused} metricsError={state.metricsError} staleSeconds={stale} width={layout.width} height={layout.summary} />
      )}
      {regionHeight > 0 && region}
      <ReplArea
        state={state}
        input={input}
        width={layout.width}
        completionsHeight={layout.completions}
        inputHeight={layout.input}
        statusHeight={layout.status}
      />
    </Box>
  );
}

function separatorLine(width: number, offset: number): Line {
  const label = offset > 0 ? `── output · ${offset} lines up · PgDn ` : '── output ';
  return [seg(label + '─'.repeat(Math.max(0, width - label.length)), 'dim')];
}

/** The scrollback's last lines, bottom-aligned so new output appears just above the input. */
function Output({ store, version, width, height, offset }: { store: ConsoleStore; version: number; width: number; height: number; offset: number }) {
  const lines = useMemo(() => {
    const shown = store.scrollback.view(width, height, offset).lines;
    return shown.length < height ? [...new Array<Line>(height - shown.length).fill([]), ...shown] : shown;
    // `version` is the scrollback's change counter: the content behind `store` changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, version, width, height, offset]);
  return <Lines lines={lines} width={width} height={height} />;
}

function PanelArea({ layout, snapshot, selected }: { layout: Layout; snapshot: MetricsSnapshot | null; selected: string | null }) {
  if (!snapshot) {
    return <Lines lines={[[seg('waiting for the first metrics snapshot…', 'dim')]]} width={layout.width} height={layout.panelArea} />;
  }
  const variant: PanelVariant = layout.mode === 'wide' ? 'box' : 'row';
  const slot = (id: string): PanelSlot => layout.panels.find((p) => p.id === id)!;
  const panel = (id: string) => {
    const sl = layout.panels.find((p) => p.id === id);
    return sl ? <Panel key={id} slot={sl} snapshot={snapshot} variant={variant} selected={selected === id} /> : null;
  };
  if (layout.mode === 'wide') {
    const left = slot('throughput');
    const right = slot('health');
    const lower = slot('jobs');
    return (
      <Box flexDirection="column" width={layout.width} height={layout.panelArea}>
        <Box flexDirection="row" height={lower.y}>
          <Box flexDirection="column" width={left.width}>
            {panel('throughput')}
            {panel('latency')}
            {panel('wal')}
          </Box>
          <Box flexDirection="column" width={right.width}>
            {panel('health')}
            {panel('cache')}
            {panel('storage')}
          </Box>
        </Box>
        <Box flexDirection="row" height={lower.height}>
          {panel('jobs')}
          {panel('alerts')}
        </Box>
      </Box>
    );
  }
  const throughput = slot('throughput');
  return (
    <Box flexDirection="column" width={layout.width} height={layout.panelArea}>
      <Box flexDirection="row" height={throughput.height}>
        {panel('throughput')}
        <Box width={1} />
        {panel('latency')}
      </Box>
      {layout.panels.filter((p) => p.id !== 'throughput' && p.id !== 'latency').map((p) => panel(p.id))}
    </Box>
  );
}

/** One panel from its snapshot slice. */
export function Panel({ slot, snapshot: s, variant, selected }: { slot: PanelSlot; snapshot: MetricsSnapshot; variant: PanelVariant; selected: boolean }) {
  const g = { width: slot.width, height: slot.height, variant, selected };
  switch (slot.id) {
    case 'throughput':
      return <ThroughputPanel {...g} transactions={s.transactions} takenAtMs={s.takenAtMs} />;
    case 'latency':
      return <LatencyPanel {...g} commitLatencyMs={s.commitLatencyMs} queryLatencyMs={s.queryLatencyMs} />;
    case 'wal':
      return <WalPanel {...g} wal={s.wal} takenAtMs={s.takenAtMs} status={checkStatus(s.health, 'wal_size')} />;
    case 'cache':
      return <CachePanel {...g} cache={s.cache} status={checkStatus(s.health, 'cache_hit_rate')} />;
    case 'storage':
      return <StoragePanel {...g} database={s.database} storage={s.storage} />;
    case 'health':
      return <HealthPanel {...g} health={s.health} takenAtMs={s.takenAtMs} />;
    case 'jobs':
      return <JobsPanel {...g} jobs={s.jobs} takenAtMs={s.takenAtMs} />;
    case 'alerts':
      return <AlertsPanel {...g} alerts={s.alerts} />;
  }
}
