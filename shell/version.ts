import { readFileSync } from 'node:fs';

/** The version from package.json (read once at start-up). */
export const OMBRA_VERSION: string = (() => {
  try {
    const url = new URL('../../package.json', import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();
