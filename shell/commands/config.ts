// ombra config show [--config FILE] [--preset NAME] [--set KEY=VALUE]... [--format text|json]
// The effective configuration and where each value came from: default, preset, the file,
// the environment (OMBRA_*) or a flag. A bad key or value exits 3 naming it and its source.
import type { Command } from 'commander';
import { CONFIG_SPEC, type OmbraConfig } from '../../src/config.js';
import type { LoadedConfig } from '../../src/observe/config-loader.js';
import { EXIT, parseFormat, toJson, type CliIo } from '../cli-support.js';
import { addConfigOptions, loadCliConfig, type ConfigFlags } from '../config-options.js';

export function registerConfig(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const config = program.command('config').description('show the effective configuration');
  const show = config
    .command('show')
    .description('effective configuration with the source of each value')
    .option('--format <format>', 'output format: text or json', 'text')
    .exitOverride();
  addConfigOptions(show).action((options: ConfigFlags & { format: string }) => {
    const format = parseFormat(options.format, ['text', 'json'] as const);
    const loaded = loadCliConfig(options, io);
    io.stdout.write(format === 'json' ? `${toJson(configJson(loaded))}\n` : configText(loaded));
    setExit(EXIT.ok);
  });
}

/** `{ preset, file, options: { key: { value, source, detail, live } } }` */
export function configJson(loaded: LoadedConfig): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const key of Object.keys(CONFIG_SPEC) as (keyof OmbraConfig)[]) {
    const source = loaded.sources[key];
    options[key] = { value: loaded.config[key], source: source.kind, detail: source.detail, live: CONFIG_SPEC[key].live };
  }
  return {
    preset: loaded.preset === null ? null : { name: loaded.preset.name, source: loaded.preset.from.kind, detail: loaded.preset.from.detail },
    file: loaded.file,
    options,
  };
}

export function configText(loaded: LoadedConfig): string {
  const keys = Object.keys(CONFIG_SPEC) as (keyof OmbraConfig)[];
  const rows = keys.map((key) => {
    const source = loaded.sources[key];
    const where = source.kind === 'default' ? 'default' : `${source.kind} (${source.detail})`;
    return [key, JSON.stringify(loaded.config[key]), where];
  });
  const w0 = Math.max(3, ...rows.map((r) => r[0]!.length));
  const w1 = Math.max(5, ...rows.map((r) => r[1]!.length));
  const lines = [
    `preset: ${loaded.preset === null ? 'none' : `${loaded.preset.name} (${loaded.preset.from.kind}: ${loaded.preset.from.detail})`}`,
    `file:   ${loaded.file ?? 'none'}`,
    '',
    `${'KEY'.padEnd(w0)}  ${'VALUE'.padEnd(w1)}  SOURCE`,
    ...rows.map(([k, v, s]) => `${k!.padEnd(w0)}  ${v!.padEnd(w1)}  ${s}`),
  ];
  return `${lines.join('\n')}\n`;
}
