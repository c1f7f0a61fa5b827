// The dashboard loads ink and React with the environment a console on a terminal needs
// (shell/console.ts importDashboard): React's production build whatever NODE_ENV says (the
// development build keeps a performance measure per render: an idle dashboard grew without
// bound), ink outside CI mode, and every variable back as it was afterwards. Nothing in this
// file may load React before the test does. The command line loads only the commands it names.

import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES, COMMANDS, commandsFor } from '../../shell/commands/index.js';
import { importDashboard } from '../../shell/console.js';

const saved = { NODE_ENV: process.env.NODE_ENV, CI: process.env.CI };

afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('importDashboard', () => {
  it('loads the production build of React and puts NODE_ENV and CI back', async () => {
    process.env.NODE_ENV = 'development';
    process.env.CI = 'true';
    const app = await importDashboard();
    expect(typeof app.runDashboard).toBe('function');
    // captureOwnerStack exists only in React's development build.
    const react = (await import('react')) as unknown as Record<string, unknown>;
    expect(react.captureOwnerStack).toBeUndefined();
    expect(process.env.NODE_ENV).toBe('development');
    expect(process.env.CI).toBe('true');
  });
});

describe('commandsFor', () => {
  const names = (argv: string[]): string[] => commandsFor(argv).map((entry) => entry.name);

  it('loads the console alone for `ombra [DB]` and the named command beside it otherwise', () => {
    expect(names([])).toEqual(['console']);
    expect(names(['graph.db', '--read-only'])).toEqual(['console']);
    expect(names(['backup', 'graph.db', '--to', 'dir'])).toEqual(['console', 'backup']);
    expect(names(['--format', 'json', 'shell', 'x.db'])).toEqual(['console', 'shell']);
  });

  it('loads every command for help, whose text lists them', () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['verify', '--help']]) expect(names(argv)).toEqual(COMMANDS.map((entry) => entry.name));
  });

  it('names every subcommand once, and each module registers the command it is named for', async () => {
    expect(new Set(COMMAND_NAMES).size).toBe(COMMAND_NAMES.length);
    for (const entry of COMMANDS.filter((e) => e.name !== 'console')) {
      const program = new Command();
      (await entry.load())(program, { stdout: process.stdout, stderr: process.stderr, env: {} }, () => undefined);
      expect(program.commands.map((command) => command.name())).toEqual([entry.name]);
    }
  });
});
