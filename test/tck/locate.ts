// Where the TCK lives: $OMBRA_TCK_DIR, else ../shared/tck beside the checkout (FORMAT.md
// "Where the runner finds it"). The TCK is not part of the product; a fresh clone has none.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The checkout root: the nearest ancestor of `start` whose package.json names "ombra". */
export function findRepoRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'ombra') return dir;
      } catch {
        // not ours: keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function isTckRoot(dir: string): boolean {
  return existsSync(join(dir, 'features'));
}

/** The places looked at, in order (for the "not found" message). */
export function tckCandidates(env: NodeJS.ProcessEnv, repoRoot: string | undefined): string[] {
  const candidates: string[] = [];
  const fromEnv = env.OMBRA_TCK_DIR;
  if (fromEnv !== undefined && fromEnv !== '') candidates.push(resolve(fromEnv));
  if (repoRoot !== undefined) candidates.push(resolve(repoRoot, '..', 'shared', 'tck'));
  return candidates;
}

/** The TCK root directory (it holds features/), or undefined when there is none. */
export function locateTck(env: NodeJS.ProcessEnv, repoRoot: string | undefined): string | undefined {
  return tckCandidates(env, repoRoot).find(isTckRoot);
}
