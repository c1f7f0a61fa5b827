// Where the peer engines are installed (bench/peers/node_modules, by bench/peers/install.sh),
// and a require() that loads from there only: the product never depends on them.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/peers of this checkout (OMBRA_PEERS_DIR overrides), found from this file's place in src or dist. */
export function peersDir(): string {
  const given = process.env.OMBRA_PEERS_DIR;
  if (given !== undefined && given !== '') return given;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'bench', 'peers', 'package.json');
    if (existsSync(candidate)) return dirname(candidate);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`bench/peers/package.json not found above ${fileURLToPath(import.meta.url)}; set OMBRA_PEERS_DIR`);
    dir = parent;
  }
}

/** require() rooted at bench/peers, so `better-sqlite3` and `kuzu` resolve to its node_modules. */
export function peerRequire(): NodeJS.Require {
  return createRequire(join(peersDir(), 'package.json'));
}

/** The installed version of a peer package, from its package.json (read as a file: kuzu does not export it). */
export function peerPackageVersion(name: string): string {
  const text = readFileSync(join(peersDir(), 'node_modules', name, 'package.json'), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
