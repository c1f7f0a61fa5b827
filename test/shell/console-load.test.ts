// The dashboard loads ink and React with the environment a console on a terminal needs
// (shell/console.ts importDashboard): React's production build whatever NODE_ENV says (the
// development build keeps a performance measure per render: an idle dashboard grew without
// bound), ink outside CI mode, and every variable back as it was afterwards. Nothing in this
// file may load React before the test does.

import { afterAll, describe, expect, it } from 'vitest';
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
