import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The global setup compiles the project once; this suite turns a compile error into a failure.
describe('build', () => {
  it('compiles with tsc --strict without errors', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const status = JSON.parse(readFileSync(`${root}/tmp/build-status.json`, 'utf8')) as {
      skipped: boolean;
      status?: number;
      output?: string;
    };
    if (status.skipped) return;
    expect(status.output ?? '').toBe('');
    expect(status.status).toBe(0);
  });
});
