import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// End-to-end tests drive the real CLI (bin/ombra.js → dist/), so build once before any suite
// runs. A type error does not abort the whole run: its output is kept for test/build.test.ts,
// which fails with it, while suites that do not need dist/ still report on their own.
// OMBRA_SKIP_BUILD=1 skips the build for quick unit-test loops.
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const statusFile = `${root}/tmp/build-status.json`;
  mkdirSync(`${root}/tmp`, { recursive: true });
  if (process.env.OMBRA_SKIP_BUILD === '1') {
    writeFileSync(statusFile, JSON.stringify({ skipped: true }));
    return;
  }
  const result = spawnSync(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, '-p', `${root}/tsconfig.json`], {
    cwd: root,
    encoding: 'utf8',
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) process.stderr.write(output);
  writeFileSync(statusFile, JSON.stringify({ skipped: false, status: result.status, output }));
}
