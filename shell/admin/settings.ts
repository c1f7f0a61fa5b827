// :format, :timing — how this session prints; :set — live tuning of the open database
// (db.configure: only options config.ts marks live); :maintenance — refuse data writes while
// reads and maintenance jobs go on. Read-only is fixed when the database is opened (reopen
// with --read-only); :maintenance is the switch a running console has.

import { CONFIG_SPEC, type OmbraConfig } from '../../src/config.js';
import { parseOptionText } from '../../src/observe/config-loader.js';
import type { OutputFormat } from '../protocol.js';
import { splitWords, type AdminCommand } from './types.js';
import { parseSwitch, usageError } from './usage.js';

const FORMATS: readonly OutputFormat[] = ['table', 'json', 'csv'];

/** Options `:set` may change (config.ts marks them live). */
export const LIVE_KEYS = (Object.keys(CONFIG_SPEC) as (keyof OmbraConfig)[]).filter((key) => CONFIG_SPEC[key].live);

/** Completion values for a live option: its enum values, or on/off for a boolean. */
export function liveValues(key: string): string[] {
  const spec = (CONFIG_SPEC as Record<string, (typeof CONFIG_SPEC)[keyof OmbraConfig]>)[key];
  if (!spec) return [];
  if (spec.rule.kind === 'enum') return [...spec.rule.values];
  if (spec.rule.kind === 'bool') return ['on', 'off'];
  return [String(spec.default)];
}

const format: AdminCommand = {
  name: 'format',
  usage: ':format [table|json|csv]',
  summary: 'how results print: table, JSON lines (DESIGN.md §7 shapes) or CSV',
  complete: (index) => (index === 0 ? FORMATS : 'none'),
  async run(ctx) {
    const words = splitWords(ctx.args);
    if (words.length === 0) return ctx.text(`format is ${ctx.state.format}`, 'err');
    const wanted = words[0]!.toLowerCase() as OutputFormat;
    if (words.length > 1 || !FORMATS.includes(wanted)) throw usageError(format, `unknown format '${ctx.args}'`, { format: ctx.args });
    ctx.state.format = wanted;
    await ctx.text(`format is now ${wanted}`, 'err');
  },
};

const timing: AdminCommand = {
  name: 'timing',
  usage: ':timing [on|off]',
  summary: 'show how long each statement took',
  complete: (index) => (index === 0 ? ['on', 'off'] : 'none'),
  async run(ctx) {
    const words = splitWords(ctx.args);
    if (words.length === 0) return ctx.text(`timing is ${ctx.state.timing ? 'on' : 'off'}`, 'err');
    if (words.length > 1) throw usageError(timing, 'too many arguments', { args: ctx.args });
    ctx.state.timing = parseSwitch(timing, words[0]);
    await ctx.text(`timing is now ${ctx.state.timing ? 'on' : 'off'}`, 'err');
  },
};

const set: AdminCommand = {
  name: 'set',
  usage: ':set [KEY VALUE]',
  summary: 'change a live setting (cacheSizePages, groupCommitIntervalMs, logLevel, queryTimeoutMs...); alone, list them',
  complete: (index) => (index === 0 ? 'config-keys' : index === 1 ? 'config-values' : 'none'),
  async run(ctx) {
    const config = ctx.db.config;
    if (ctx.args === '') {
      const width = Math.max(...LIVE_KEYS.map((key) => key.length));
      const lines = LIVE_KEYS.map((key) => `${key.padEnd(width)}  ${String(config[key])}  — ${CONFIG_SPEC[key].doc}`);
      const values = Object.fromEntries(LIVE_KEYS.map((key) => [key, config[key]]));
      return ctx.report('settings', values, lines.join('\n'));
    }
    const assignment = /^([A-Za-z]+)\s*(?:=|\s)\s*([\s\S]+)$/.exec(ctx.args);
    if (!assignment) throw usageError(set, `give a key and a value (got '${ctx.args}')`, { args: ctx.args });
    const key = assignment[1]! as keyof OmbraConfig;
    const text = assignment[2]!.trim();
    // parseOptionText validates (CONFIG_UNKNOWN_KEY / CONFIG_INVALID name the key and range);
    // configure() refuses options fixed at open.
    const value = parseOptionText(key, text, ':set');
    const before = config[key];
    ctx.db.configure({ [key]: value });
    await ctx.text(`${key}: ${String(before)} -> ${String(ctx.db.config[key])}`, 'err');
  },
};

const maintenance: AdminCommand = {
  name: 'maintenance',
  usage: ':maintenance [on|off]',
  summary: 'maintenance mode refuses data writes; reads and jobs go on (read-only is fixed at open: --read-only)',
  complete: (index) => (index === 0 ? ['on', 'off'] : 'none'),
  async run(ctx) {
    const words = splitWords(ctx.args);
    if (words.length === 0) return ctx.text(`maintenance mode is ${ctx.db.maintenanceMode ? 'on' : 'off'}`, 'err');
    if (words.length > 1) throw usageError(maintenance, 'too many arguments', { args: ctx.args });
    const on = parseSwitch(maintenance, words[0]);
    ctx.db.setMaintenanceMode(on);
    await ctx.text(on ? 'maintenance mode on: data writes are refused (MAINTENANCE_MODE) until :maintenance off' : 'maintenance mode off: writes are accepted', 'err');
  },
};

export const SETTINGS_COMMANDS: readonly AdminCommand[] = [set, maintenance, format, timing];
