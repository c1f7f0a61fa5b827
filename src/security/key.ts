// The master key of an encrypted database: where it comes from and how it is spelled.
//
// SOURCES, first one given wins:
//   1. the `encryptionKey` open option (a string as below, or 32 raw bytes)
//   2. the key file named by config `keyFile` (`--key-file`, OMBRA_KEY_FILE): its text as
//      below, or exactly 32 raw bytes
//   3. the environment variable OMBRA_ENCRYPTION_KEY
// SPELLING: 64 hex digits, or the base64 (standard or URL-safe alphabet) of exactly 32 bytes;
// surrounding whitespace is ignored. Anything else is ENCRYPTION_KEY_INVALID (exit 3). Key
// material never appears in an error message, a log line or an error's details.

import { readFileSync } from 'node:fs';
import { SecurityError } from '../errors.js';

export const KEY_BYTES = 32;
export const KEY_ENV = 'OMBRA_ENCRYPTION_KEY';

export interface MasterKey {
  readonly bytes: Buffer;
  /** Where it came from, for messages: 'OMBRA_ENCRYPTION_KEY', 'key file /etc/ombra.key', 'encryptionKey option'. */
  readonly source: string;
}

function invalid(source: string, why: string): SecurityError {
  return new SecurityError('ENCRYPTION_KEY_INVALID', `the encryption key from ${source} is invalid: ${why}; expected 64 hex digits or the base64 of 32 bytes`, { source });
}

/** Parse a key as spelled above. Throws ENCRYPTION_KEY_INVALID naming the source only. */
export function parseKey(value: string | Uint8Array, source: string): MasterKey {
  if (typeof value !== 'string') {
    if (value.length !== KEY_BYTES) throw invalid(source, `${value.length} bytes given`);
    return { bytes: Buffer.from(value), source };
  }
  const text = value.trim();
  if (text === '') throw invalid(source, 'it is empty');
  if (/^[0-9a-fA-F]{64}$/.test(text)) return { bytes: Buffer.from(text, 'hex'), source };
  if (/^[0-9a-fA-F]+$/.test(text)) throw invalid(source, `${text.length} hex digits given`);
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(text) || /^[A-Za-z0-9_-]+={0,2}$/.test(text)) {
    const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === KEY_BYTES && text.replace(/=+$/, '').length === 43) return { bytes, source };
    throw invalid(source, `the base64 text decodes to ${bytes.length} bytes`);
  }
  throw invalid(source, 'it is neither hex nor base64');
}

/** Read and parse a key file (text, or 32 raw bytes). */
export function readKeyFile(path: string): MasterKey {
  const source = `key file ${path}`;
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new SecurityError('ENCRYPTION_KEY_MISSING', `the key file ${path} cannot be read (${code})`, { source, errno: code }, { cause: error });
  }
  const text = data.toString('utf8');
  if (/^[\x20-\x7e\s]*$/.test(text) && text.trim() !== '') return parseKey(text, source);
  if (data.length === KEY_BYTES) return { bytes: Buffer.from(data), source };
  throw invalid(source, `it holds ${data.length} bytes that are not key text`);
}

export interface KeySources {
  encryptionKey?: string | Uint8Array;
  keyFile?: string;
  env?: NodeJS.ProcessEnv;
}

/** The key from the first source given (header), or null when none is. */
export function resolveKey(sources: KeySources): MasterKey | null {
  if (sources.encryptionKey !== undefined) return parseKey(sources.encryptionKey, 'the encryptionKey option');
  if (sources.keyFile !== undefined && sources.keyFile !== '') return readKeyFile(sources.keyFile);
  const fromEnv = (sources.env ?? process.env)[KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return parseKey(fromEnv, KEY_ENV);
  return null;
}
