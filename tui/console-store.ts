// The console's one store: the latest metrics snapshot, the REPL (line buffer, history,
// run queue, scrollback) and the UI state (focus, help, pause, refresh interval, selected
// panel). Components are pure functions of `getState()`; all engine traffic goes through the
// ConsoleBackend here.
//
// Input is handled synchronously, key by key, on the store's own state: a chunk holding
// `RETURN 1;⏎` or a three-statement paste runs exactly as if typed slowly, because each key
// sees the buffer the previous key left, never a React render's copy of it.
//
// Invariants:
//  (C1) At most one backend.run() is in flight. Submitted units wait in `queue` and start
//       in submission order when the previous run settles (Enter while busy queues).
//  (C2) Output events of a run are applied only while that run is current.
//  (C3) Ctrl-C while a run is in flight cancels it and drops the queue; Ctrl-C on an
//       empty idle prompt arms exit, and a second Ctrl-C within CTRL_C_EXIT_WINDOW_MS exits.
//  (C4) A completion result is applied only if the buffer is unchanged since Tab.
//  (C5) Listeners are told at most once per microtask, after a whole input chunk.

import type { MetricsSnapshot } from '../src/observe/snapshot.js';
import type { ConsoleBackend } from '../shell/protocol.js';
import { isCompleteInput, splitInput } from '../shell/split.js';
import type { HistoryFile } from './history-file.js';
import { decodeInput, type KeyEvent } from './keys.js';
import * as ed from './line-editor.js';
import { MetricsPoller } from './metrics-poller.js';
import { PANEL_IDS, type PanelId } from './panels/common.js';
import { RunOutput, Scrollback } from './scrollback.js';
import type { Tone } from './theme.js';
import { clampRefreshMs, DEFAULT_REFRESH_MS, REFRESH_STEPS_MS, systemClock, type Clock, type ExtraKey } from './types.js';

export const CTRL_C_EXIT_WINDOW_MS = 2000;
export const PROMPT = 'ombra> ';
export const CONTINUATION_PROMPT = '  ...> ';

export type Focus = 'repl' | 'panels';

export interface RunningStatement {
  id: number;
  input: string;
  startedAtMs: number;
  cancelling: boolean;
  rowsSoFar: number;
  progress: { phase: string; done: number; total: number } | null;
}

export interface ConsoleState {
  focus: Focus;
  helpOpen: boolean;
  /** First help line shown (the overlay scrolls on small terminals). */
  helpScroll: number;
  selectedPanel: PanelId | null;
  expandedPanel: PanelId | null;
  snapshot: MetricsSnapshot | null;
  metricsError: string | null;
  /** Clock time the current snapshot arrived. */
  snapshotReceivedAtMs: number | null;
  metricsStalled: boolean;
  paused: boolean;
  refreshMs: number;
  editor: ed.EditorState;
  /** Candidates of the last Tab when there were several. */
  completions: readonly string[] | null;
  running: RunningStatement | null;
  queue: readonly string[];
  /** A one-line message under the input; cleared by the next key. */
  notice: { text: string; tone: Tone } | null;
  /** Lines scrolled up from the bottom of the scrollback (PgUp/PgDn). */
  scrollOffset: number;
  scrollbackVersion: number;
  /** Time for elapsed-time displays; ticks each second only while something needs it. */
  clockMs: number;
  exitCode: number | null;
}

export interface ConsoleStoreOptions {
  backend: ConsoleBackend;
  /** Persistent history; omit for none. Loaded entries go in `initialHistory`. */
  historyFile?: HistoryFile;
  initialHistory?: readonly string[];
  /** History entries kept in memory and in the file. Default 1000. */
  historyMax?: number;
  refreshMs?: number;
  extraKeys?: readonly ExtraKey[];
  clock?: Clock;
  scrollbackMaxLines?: number;
}

type Listener = () => void;

const isQuit = (unit: string): boolean => /^:quit\s*$/i.test(unit.trim());
const isHistory = (unit: string): boolean => /^:history\s*$/i.test(unit.trim());

export class ConsoleStore {
  readonly scrollback: Scrollback;
  readonly extraKeys: readonly ExtraKey[];
  private state: ConsoleState;
  private readonly listeners = new Set<Listener>();
  private notifyScheduled = false;
  private readonly backend: ConsoleBackend;
  private readonly clock: Clock;
  private readonly poller: MetricsPoller;
  private readonly historyFile: HistoryFile | undefined;
  private readonly historyMax: number;
  private runCounter = 0;
  private runPromise: Promise<void> = Promise.resolve();
  private runOutput: RunOutput | null = null;
  private sawErrorInRun = false;
  private completionToken = 0;
  private interruptArmedAtMs: number | null = null;
  private noticeTimer: unknown = null;
  private ticker: unknown = null;
  private viewport = { width: 80, height: 10 };
  private helpExtent = { maxScroll: 0, page: 10 };
  private readonly exitWaiters: ((code: number) => void)[] = [];

  constructor(options: ConsoleStoreOptions) {
    this.backend = options.backend;
    this.clock = options.clock ?? systemClock;
    this.historyFile = options.historyFile;
    this.historyMax = options.historyMax ?? 1000;
    this.extraKeys = options.extraKeys ?? [];
    this.scrollback = new Scrollback(options.scrollbackMaxLines);
    const refreshMs = clampRefreshMs(options.refreshMs ?? DEFAULT_REFRESH_MS);
    this.state = {
      focus: 'repl',
      helpOpen: false,
      helpScroll: 0,
      selectedPanel: null,
      expandedPanel: null,
      snapshot: null,
      metricsError: null,
      snapshotReceivedAtMs: null,
      metricsStalled: false,
      paused: false,
      refreshMs,
      editor: ed.emptyEditor((options.initialHistory ?? []).slice(-this.historyMax)),
      completions: null,
      running: null,
      queue: [],
      notice: null,
      scrollOffset: 0,
      scrollbackVersion: 0,
      clockMs: this.clock.now(),
      exitCode: null,
    };
    this.poller = new MetricsPoller(() => this.backend.metrics(), refreshMs, this.clock, {
      onSnapshot: (snapshot, at) => this.set({ snapshot, metricsError: null, snapshotReceivedAtMs: at, clockMs: at }),
      onError: (message) => this.set({ metricsError: message }),
      onStall: (stalled) => {
        this.set({ metricsStalled: stalled, clockMs: this.clock.now() });
        this.updateTicker();
      },
    });
  }

  // ── subscription (useSyncExternalStore) ──────────────────────────────────────────────

  getState = (): ConsoleState => this.state;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(patch: Partial<ConsoleState>): void {
    this.state = { ...this.state, ...patch };
    this.scheduleNotify();
  }

  private scheduleNotify(): void {
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false; // (C5)
      for (const listener of [...this.listeners]) listener();
    });
  }

  // ── lifecycle ────────────────────────────────────────────────────────────────────────

  /** Start polling metrics. */
  start(): void {
    this.poller.start();
  }

  /** Stop every timer (polling, ticker, notices). Does not touch the backend. */
  stop(): void {
    this.poller.stop();
    this.clearTimer('noticeTimer');
    this.clearTimer('ticker');
  }

  /** Poll metrics once now (tests, and the first frame before the loop starts). */
  pollOnce(): Promise<void> {
    return this.poller.pollOnce();
  }

  /** Resolves with the exit code once the console asked to exit. */
  whenExit(): Promise<number> {
    if (this.state.exitCode !== null) return Promise.resolve(this.state.exitCode);
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  /** Settles when the statement in flight (if any) has finished. */
  runSettled(): Promise<void> {
    return this.runPromise;
  }

  /** Ask the console to exit: cancels a running statement, stops timers, wakes whenExit(). */
  exit(code = 0): void {
    if (this.state.exitCode !== null) return;
    if (this.state.running) this.backend.cancel();
    this.stop();
    this.set({ exitCode: code, queue: [] });
    for (const resolve of this.exitWaiters.splice(0)) resolve(code);
  }

  /** Print a line of text (or several) into the scrollback, as output of the console itself. */
  print(text: string, tone?: Tone): void {
    this.pushBlock({ kind: 'text', text, ...(tone ? { tone } : {}) });
  }

  /** How far the help overlay can scroll, and its page, at the current size (set by the view). */
  setHelpExtent(maxScroll: number, page: number): void {
    this.helpExtent = { maxScroll: Math.max(0, maxScroll), page: Math.max(1, page) };
    if (this.state.helpScroll > this.helpExtent.maxScroll) this.set({ helpScroll: this.helpExtent.maxScroll });
  }

  /** The size of the scrollback region on screen (for paging and keeping a scrolled view still). */
  setViewport(width: number, height: number): void {
    this.viewport = { width: Math.max(1, width), height: Math.max(1, height) };
  }

  // ── input ────────────────────────────────────────────────────────────────────────────

  /** One piece of raw input as ink's stdin reader delivers it. */
  handleInput(piece: string): void {
    this.handleKeys(decodeInput(piece));
  }

  handleKeys(events: readonly KeyEvent[]): void {
    for (const event of events) {
      if (this.state.exitCode !== null) return;
      this.handleKey(event);
    }
  }

  private handleKey(event: KeyEvent): void {
    const isCtrlC = event.kind === 'ctrl' && event.letter === 'c';
    if (!isCtrlC && this.state.notice) this.set({ notice: null });
    if (!isCtrlC) this.interruptArmedAtMs = null;
    if (isCtrlC) return this.interrupt();
    if (event.kind === 'key' && event.name === 'f1') return this.set({ helpOpen: !this.state.helpOpen, helpScroll: 0 });
    if (this.state.helpOpen) return this.helpKey(event);
    if (this.state.focus === 'panels') return this.panelsKey(event);
    return this.replKey(event);
  }

  private helpKey(event: KeyEvent): void {
    const close = (event.kind === 'key' && (event.name === 'escape' || event.name === 'enter')) || (event.kind === 'text' && /^[?q]$/.test(event.text));
    if (close) return this.set({ helpOpen: false, helpScroll: 0 });
    if (event.kind === 'key') {
      const { page, maxScroll } = this.helpExtent;
      const delta = { up: -1, down: 1, pageup: -page, pagedown: page } as Partial<Record<string, number>>;
      const d = delta[event.name];
      if (d !== undefined) this.set({ helpScroll: Math.max(0, Math.min(maxScroll, this.state.helpScroll + d)) });
    }
  }

  private panelsKey(event: KeyEvent): void {
    if (event.kind === 'text' && [...event.text].length > 1) {
      // Several keys at once: fast typing over a slow link runs them in order, but only when
      // all are harmless panel keys (a paste of "MATCH (q)…" must not pause, quit or toggle).
      const keys = [...event.text];
      const harmless = (ch: string): boolean => '+=-_p'.includes(ch) || this.extraKeys.some((k) => k.key === ch);
      if (!keys.every(harmless)) return this.notify('press Tab to type in the REPL', 'dim');
      for (const ch of keys) this.panelsKey({ kind: 'text', text: ch });
      return;
    }
    if (event.kind === 'text') {
      const ch = event.text;
      if (ch === ':') {
        this.set({ focus: 'repl', expandedPanel: null });
        return this.editor(ed.insertText(this.state.editor, ':'));
      }
      if (ch === 'p') return this.setPaused(!this.state.paused);
      if (ch === '+' || ch === '=') return this.stepRefresh(+1);
      if (ch === '-' || ch === '_') return this.stepRefresh(-1);
      if (ch === 'q') return this.exit(0);
      if (ch === '?') return this.set({ helpOpen: true, helpScroll: 0 });
      const extra = this.extraKeys.find((k) => k.key === ch);
      if (extra) {
        try {
          extra.run();
        } catch (error) {
          this.notify(`${extra.label}: ${error instanceof Error ? error.message : String(error)}`, 'bad');
        }
        return;
      }
      return this.notify(`'${ch}' does nothing here; ? for help, Tab for the REPL`, 'dim');
    }
    if (event.kind === 'ctrl') {
      if (event.letter === 'd' && this.state.editor.text === '') return this.exit(0);
      if (event.letter === 'l') return this.clearScrollback();
      return;
    }
    if (event.kind !== 'key') return;
    switch (event.name) {
      case 'tab':
      case 'backtab':
        return this.set({ focus: 'repl', expandedPanel: null });
      case 'escape':
        if (this.state.expandedPanel) return this.set({ expandedPanel: null });
        return this.set({ focus: 'repl', selectedPanel: null });
      case 'left':
      case 'up':
        return this.selectPanel(-1);
      case 'right':
      case 'down':
        return this.selectPanel(+1);
      case 'enter': {
        const selected = this.state.selectedPanel;
        if (!selected) return this.selectPanel(+1);
        return this.set({ expandedPanel: this.state.expandedPanel === selected ? null : selected });
      }
      case 'pageup':
      case 'pagedown':
        return this.scroll(event.name === 'pageup' ? 1 : -1);
      default:
        return;
    }
  }

  private replKey(event: KeyEvent): void {
    const e = this.state.editor;
    if (this.state.completions && !(event.kind === 'key' && event.name === 'tab')) this.set({ completions: null });
    if (e.search) {
      if (event.kind === 'text') return this.editor(ed.searchType(e, event.text));
      if (event.kind === 'key' && event.name === 'backspace') return this.editor(ed.searchBackspace(e));
      if (event.kind === 'ctrl' && event.letter === 'r') return this.editor(ed.searchBackward(e));
      if ((event.kind === 'ctrl' && event.letter === 'g') || (event.kind === 'key' && event.name === 'escape')) return this.editor(ed.searchCancel(e));
      // Any other key accepts the match, then does what it does.
      this.editor(ed.searchAccept(e));
    }
    const s = this.state.editor;
    switch (event.kind) {
      case 'text':
        // No statement starts with '?': on an empty line it is the help key, as in the panels.
        if (event.text === '?' && s.text === '') return this.set({ helpOpen: true, helpScroll: 0 });
        return this.editor(ed.insertText(s, event.text));
      case 'meta':
        if (event.char === 'b') return this.editor(ed.moveWordLeft(s));
        if (event.char === 'f') return this.editor(ed.moveWordRight(s));
        if (event.char === 'd') return this.editor(ed.deleteWordForward(s));
        return;
      case 'ctrl':
        return this.replCtrl(event.letter);
      case 'key':
        break;
    }
    switch (event.name) {
      case 'enter':
        return event.meta ? this.editor(ed.insertText(s, '\n')) : this.submitOrContinue();
      case 'tab':
        if (s.text.trim() === '') return this.set({ focus: 'panels' });
        return this.complete();
      case 'backtab':
        return this.set({ focus: 'panels' });
      case 'backspace':
        return this.editor(event.meta || event.ctrl ? ed.deleteWordBackAlnum(s) : ed.backspace(s));
      case 'delete':
        return this.editor(ed.deleteForward(s));
      case 'left':
        return this.editor(event.ctrl || event.meta ? ed.moveWordLeft(s) : ed.moveLeft(s));
      case 'right':
        return this.editor(event.ctrl || event.meta ? ed.moveWordRight(s) : ed.moveRight(s));
      case 'home':
        return this.editor(ed.moveHome(s));
      case 'end':
        return this.editor(ed.moveEnd(s));
      case 'up':
        return this.editor(ed.up(s));
      case 'down':
        return this.editor(ed.down(s));
      case 'pageup':
      case 'pagedown':
        return this.scroll(event.name === 'pageup' ? 1 : -1);
      case 'escape':
      case 'insert':
      case 'f1':
        return;
    }
  }

  private replCtrl(letter: string): void {
    const s = this.state.editor;
    switch (letter) {
      case 'a':
        return this.editor(ed.moveHome(s));
      case 'e':
        return this.editor(ed.moveEnd(s));
      case 'b':
        return this.editor(ed.moveLeft(s));
      case 'f':
        return this.editor(ed.moveRight(s));
      case 'w':
        return this.editor(ed.deleteWordBack(s));
      case 'u':
        return this.editor(ed.killToLineStart(s));
      case 'k':
        return this.editor(ed.killToLineEnd(s));
      case 'y':
        return this.editor(ed.yank(s));
      case 'p':
        return this.editor(ed.up(s));
      case 'n':
        return this.editor(ed.down(s));
      case 'r':
        return this.editor(ed.searchBackward(s));
      case 'd':
        if (s.text === '') return this.exit(0);
        return this.editor(ed.deleteForward(s));
      case 'l':
        return this.clearScrollback();
      default:
        return;
    }
  }

  private editor(editor: ed.EditorState): void {
    if (editor !== this.state.editor) this.set({ editor });
  }

  private notify(text: string, tone: Tone): void {
    this.set({ notice: { text, tone } });
  }

  // ── Ctrl-C (C3) ──────────────────────────────────────────────────────────────────────

  private interrupt(): void {
    const now = this.clock.now();
    const { running, editor } = this.state;
    if (this.state.helpOpen) this.set({ helpOpen: false });
    if (editor.search) {
      this.editor(ed.searchCancel(editor));
      return;
    }
    if (running && !running.cancelling) {
      this.interruptArmedAtMs = null;
      this.backend.cancel();
      const dropped = this.state.queue.length;
      this.set({
        running: { ...running, cancelling: true },
        queue: [],
        notice: dropped > 0 ? { text: `${dropped} queued ${dropped === 1 ? 'statement' : 'statements'} dropped`, tone: 'warn' } : null,
      });
      return;
    }
    if (!running && (editor.text !== '' || this.state.completions)) {
      this.interruptArmedAtMs = null;
      this.set({ editor: ed.setText(editor, ''), completions: null, notice: null });
      return;
    }
    // Idle with an empty prompt, or a cancel that has not finished: a second Ctrl-C exits.
    if (this.interruptArmedAtMs !== null && now - this.interruptArmedAtMs <= CTRL_C_EXIT_WINDOW_MS) {
      this.exit(0);
      return;
    }
    if (running) this.backend.cancel();
    this.interruptArmedAtMs = now;
    this.notify(running ? 'still cancelling… press Ctrl-C again to exit' : 'press Ctrl-C again or type :quit to exit', 'warn');
    this.clearTimer('noticeTimer');
    this.noticeTimer = this.clock.setTimeout(() => {
      this.noticeTimer = null;
      this.interruptArmedAtMs = null;
      if (this.state.notice?.tone === 'warn') this.set({ notice: null });
    }, CTRL_C_EXIT_WINDOW_MS);
  }

  // ── submitting and running (C1, C2) ──────────────────────────────────────────────────

  private submitOrContinue(): void {
    const e = this.state.editor;
    const text = e.text;
    if (text.trim() === '') {
      if (text !== '') this.editor(ed.setText(e, ''));
      return;
    }
    if (!isCompleteInput(text)) {
      this.editor(ed.insertText(e, '\n'));
      return;
    }
    const { units } = splitInput(`${text}\n`);
    const before = e.history;
    const editor = ed.commitEntry(e, text, this.historyMax);
    if (editor.history !== before && this.historyFile) void this.historyFile.append(editor.history[editor.history.length - 1]!);
    this.set({ editor, queue: [...this.state.queue, ...units], scrollOffset: 0 });
    this.pump();
  }

  /** Start the next queued unit when nothing runs (C1). */
  private pump(): void {
    while (!this.state.running && this.state.queue.length > 0 && this.state.exitCode === null) {
      const [input, ...rest] = this.state.queue;
      this.set({ queue: rest });
      if (isQuit(input!)) {
        this.echo(input!);
        this.exit(0);
        return;
      }
      if (isHistory(input!)) {
        this.echo(input!);
        this.printHistory();
        continue;
      }
      this.startRun(input!);
    }
  }

  private echo(input: string): void {
    this.pushBlock({ kind: 'echo', text: input, prompt: PROMPT, continuation: CONTINUATION_PROMPT });
  }

  private printHistory(): void {
    const entries = this.state.editor.history;
    const width = String(entries.length).length;
    const text = entries.length === 0 ? '(history is empty)' : entries.map((entry, i) => `${String(i + 1).padStart(width)}  ${entry}`).join('\n');
    this.pushBlock({ kind: 'text', text });
  }

  private startRun(input: string): void {
    const id = ++this.runCounter;
    this.echo(input);
    const output = new RunOutput(this.scrollback);
    this.runOutput = output;
    this.sawErrorInRun = false;
    this.set({ running: { id, input, startedAtMs: this.clock.now(), cancelling: false, rowsSoFar: 0, progress: null }, clockMs: this.clock.now() });
    this.updateTicker();
    const onEvent = (event: Parameters<Parameters<ConsoleBackend['run']>[1]>[0]): void => {
      if (this.state.running?.id !== id) return; // (C2)
      if (event.kind === 'error') this.sawErrorInRun = true;
      this.withScrollPin(() => output.apply(event));
      const running = this.state.running;
      if (!running) return;
      if (event.kind === 'progress') this.set({ running: { ...running, progress: { phase: event.phase, done: event.done, total: event.total } } });
      else if (running.rowsSoFar !== output.rowsSoFar) this.set({ running: { ...running, rowsSoFar: output.rowsSoFar } });
    };
    let run: Promise<{ quit: boolean }>;
    try {
      run = this.backend.run(input, onEvent);
    } catch (error) {
      run = Promise.reject(error);
    }
    this.runPromise = run.then(
      (outcome) => {
        this.finishRun(id);
        if (outcome.quit) this.exit(0);
        else this.pump();
      },
      (error: unknown) => {
        this.finishRun(id);
        const message = error instanceof Error ? error.message : String(error);
        const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : 'INTERNAL';
        this.pushBlock({ kind: 'error', code, message: `the engine failed to run this: ${message}` });
        this.pump();
      },
    );
  }

  private finishRun(id: number): void {
    const running = this.state.running;
    if (running?.id !== id) return;
    this.withScrollPin(() => this.runOutput?.finish());
    if (running.cancelling && !this.sawErrorInRun) this.pushBlock({ kind: 'text', text: 'cancelled', tone: 'warn' });
    this.runOutput = null;
    this.set({ running: null });
    this.updateTicker();
  }

  private pushBlock(block: Parameters<Scrollback['push']>[0]): void {
    this.withScrollPin(() => this.scrollback.push(block));
  }

  /** Apply a scrollback change; a view scrolled up stays on the same lines. */
  private withScrollPin(change: () => unknown): void {
    const before = this.scrollback.version;
    const pinned = this.state.scrollOffset > 0;
    const linesBefore = pinned ? this.scrollback.lineCount(this.viewport.width) : 0;
    change();
    if (this.scrollback.version === before) return;
    const scrollOffset = pinned ? this.state.scrollOffset + this.scrollback.lineCount(this.viewport.width) - linesBefore : 0;
    this.set({ scrollbackVersion: this.scrollback.version, scrollOffset: Math.max(0, scrollOffset) });
  }

  // ── completion (C4) ──────────────────────────────────────────────────────────────────

  private complete(): void {
    const { text, cursor } = this.state.editor;
    const lineStart = text.lastIndexOf('\n', cursor - 1) + 1;
    const lineEndAt = text.indexOf('\n', cursor);
    const line = text.slice(lineStart, lineEndAt < 0 ? text.length : lineEndAt);
    const token = ++this.completionToken;
    let request: Promise<{ items: string[]; start: number }>;
    try {
      request = this.backend.complete(line, cursor - lineStart);
    } catch (error) {
      request = Promise.reject(error);
    }
    request.then(
      (result) => {
        const e = this.state.editor;
        if (token !== this.completionToken || e.text !== text || e.cursor !== cursor || this.state.exitCode !== null) return;
        const items = [...new Set(result.items)];
        const start = lineStart + Math.max(0, Math.min(result.start, cursor - lineStart));
        const typed = text.slice(start, cursor);
        if (items.length === 0) return this.notify('no completions', 'dim');
        const replacement = items.length === 1 ? items[0]! : commonPrefix(items);
        const apply = items.length === 1 || (replacement.length > typed.length && replacement.toLowerCase().startsWith(typed.toLowerCase()));
        const editor = apply ? ed.setText(e, text.slice(0, start) + replacement + text.slice(cursor), start + replacement.length) : e;
        this.set({ editor, completions: items.length > 1 ? items : null });
      },
      (error: unknown) => {
        if (token === this.completionToken) this.notify(`completion failed: ${error instanceof Error ? error.message : String(error)}`, 'bad');
      },
    );
  }

  // ── panels, refresh, scrolling ───────────────────────────────────────────────────────

  private setPaused(paused: boolean): void {
    this.poller.setPaused(paused);
    this.set({ paused });
  }

  private stepRefresh(direction: 1 | -1): void {
    const current = this.state.refreshMs;
    const next =
      direction > 0 ? (REFRESH_STEPS_MS.find((ms) => ms > current) ?? current) : ([...REFRESH_STEPS_MS].reverse().find((ms) => ms < current) ?? current);
    if (next === current) return;
    this.poller.setInterval(next);
    this.set({ refreshMs: next });
  }

  private selectPanel(direction: 1 | -1): void {
    const index = this.state.selectedPanel === null ? -1 : PANEL_IDS.indexOf(this.state.selectedPanel);
    const next = index < 0 ? (direction > 0 ? 0 : PANEL_IDS.length - 1) : (index + direction + PANEL_IDS.length) % PANEL_IDS.length;
    const selectedPanel = PANEL_IDS[next]!;
    this.set({ selectedPanel, expandedPanel: this.state.expandedPanel ? selectedPanel : null });
  }

  private scroll(pages: number): void {
    const page = Math.max(1, this.viewport.height - 1);
    const total = this.scrollback.lineCount(this.viewport.width);
    const max = Math.max(0, total - this.viewport.height);
    this.set({ scrollOffset: Math.max(0, Math.min(max, this.state.scrollOffset + pages * page)) });
  }

  private clearScrollback(): void {
    this.scrollback.clear();
    this.set({ scrollbackVersion: this.scrollback.version, scrollOffset: 0 });
  }

  // ── timers ───────────────────────────────────────────────────────────────────────────

  /** The 1 s clock runs only while a statement runs or metrics are overdue. */
  private updateTicker(): void {
    const needed = this.state.exitCode === null && (this.state.running !== null || this.state.metricsStalled);
    if (needed && this.ticker === null) {
      const tick = (): void => {
        this.ticker = this.clock.setTimeout(tick, 1000);
        this.set({ clockMs: this.clock.now() });
      };
      this.ticker = this.clock.setTimeout(tick, 1000);
    } else if (!needed) this.clearTimer('ticker');
  }

  private clearTimer(which: 'noticeTimer' | 'ticker'): void {
    if (this[which] !== null) this.clock.clearTimeout(this[which]);
    this[which] = null;
  }
}

/** The longest common prefix of `items`. */
export function commonPrefix(items: readonly string[]): string {
  if (items.length === 0) return '';
  let prefix = items[0]!;
  for (const item of items.slice(1)) {
    let i = 0;
    while (i < prefix.length && i < item.length && prefix[i] === item[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}
