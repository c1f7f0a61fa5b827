// The key check area of page 0 (meta.ts META_OFFSET.keyCheck, KEY_CHECK_BYTES = 64). Page 0
// is never encrypted: the page size, counters and roots are needed before a key is known, and
// this area is how a key is tried before any other page is read.
//
// KEY CHECK AREA (offsets inside the area; integers big-endian)
//   offset  size  type   meaning
//   0       1     u8     scheme: 1 = AES-256-GCM pages with HKDF-SHA256 subkeys (below); 0 = none
//   1       3            reserved, 0
//   4       16    bytes  salt: random when encryption was set up (creation, rekey); never changes
//   20      16    bytes  key check: HMAC-SHA256(check key, "ombra key check v1"), first 16 bytes
//   36      8     u64    nonce high-water mark: every nonce counter this file's lineage has used
//                        or may use is below it (encryption.ts NONCE SCHEME)
//   44      16    bytes  lineage: the database id (meta.ts) the high-water mark was reserved
//                        under; a file whose id differs is a copy made by restore
//   60      4            reserved, 0
//
// SUBKEYS (HKDF-SHA256 of the 32-byte master key, salt = the area's salt)
//   page key   info "ombra/v1 page key"   AES-256-GCM key of every page but page 0
//   check key  info "ombra/v1 key check"  HMAC key of the key check
// A master key shared by several databases still gives each its own page key (each salt is
// random), so their nonce counters, which all start at 0, never meet under one AES key.
// The key check does not depend on the database id: restore gives the copy a new id and the
// same key opens it.
//
// Invariants:
//  (K1) META_FLAG_ENCRYPTED is set in page 0 iff scheme = 1; both are fixed when the file is
//       created (or written by rekey) and never change for the life of the file, so the
//       database file's own page 0 says whether it is encrypted, and with which salt and
//       check, before its WAL is read.
//  (K2) Only the high-water mark and the lineage change, through ordinary commits of page 0.

import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { CorruptionError, SecurityError, StorageError } from '../errors.js';
import { META_OFFSET, KEY_CHECK_BYTES } from '../storage/meta.js';
import type { MasterKey } from './key.js';

export const SCHEME_AES_256_GCM = 1;

const O = META_OFFSET.keyCheck;
export const KEY_AREA_OFFSET = {
  scheme: O + 0,
  salt: O + 4,
  check: O + 20,
  highWater: O + 36,
  lineage: O + 44,
} as const;
const SALT_BYTES = 16;
const CHECK_BYTES = 16;
const LINEAGE_BYTES = 16;

export interface DerivedKeys {
  /** 32 bytes. A Buffer, not a KeyObject: node:crypto sets a cipher up faster from raw bytes. */
  pageKey: Buffer;
  checkKey: Buffer;
}

export interface KeyArea {
  scheme: number;
  salt: Buffer;
  check: Buffer;
  highWater: bigint;
  lineage: string;
}

function view(page: Uint8Array): DataView {
  return new DataView(page.buffer, page.byteOffset, page.byteLength);
}

export function deriveKeys(master: MasterKey, salt: Uint8Array): DerivedKeys {
  const page = Buffer.from(hkdfSync('sha256', master.bytes, salt, 'ombra/v1 page key', 32));
  const check = Buffer.from(hkdfSync('sha256', master.bytes, salt, 'ombra/v1 key check', 32));
  return { pageKey: page, checkKey: check };
}

function keyCheck(checkKey: Buffer): Buffer {
  return createHmac('sha256', checkKey).update('ombra key check v1').digest().subarray(0, CHECK_BYTES);
}

export function readKeyArea(meta: Uint8Array): KeyArea {
  return {
    scheme: meta[KEY_AREA_OFFSET.scheme]!,
    salt: Buffer.from(meta.subarray(KEY_AREA_OFFSET.salt, KEY_AREA_OFFSET.salt + SALT_BYTES)),
    check: Buffer.from(meta.subarray(KEY_AREA_OFFSET.check, KEY_AREA_OFFSET.check + CHECK_BYTES)),
    highWater: view(meta).getBigUint64(KEY_AREA_OFFSET.highWater),
    lineage: Buffer.from(meta.subarray(KEY_AREA_OFFSET.lineage, KEY_AREA_OFFSET.lineage + LINEAGE_BYTES)).toString('hex'),
  };
}

/** Set up the area for a new encrypted file (creation, rekey): new salt, check, high-water mark. */
export function writeNewKeyArea(meta: Uint8Array, master: MasterKey, databaseId: string, highWater: bigint): DerivedKeys {
  meta.fill(0, O, O + KEY_CHECK_BYTES);
  const salt = randomBytes(SALT_BYTES);
  const keys = deriveKeys(master, salt);
  meta[KEY_AREA_OFFSET.scheme] = SCHEME_AES_256_GCM;
  meta.set(salt, KEY_AREA_OFFSET.salt);
  meta.set(keyCheck(keys.checkKey), KEY_AREA_OFFSET.check);
  setHighWater(meta, highWater, databaseId);
  return keys;
}

/** K2: record a new high-water mark and the database id it belongs to. */
export function setHighWater(meta: Uint8Array, highWater: bigint, databaseId: string): void {
  view(meta).setBigUint64(KEY_AREA_OFFSET.highWater, highWater);
  meta.set(Buffer.from(databaseId, 'hex').subarray(0, LINEAGE_BYTES), KEY_AREA_OFFSET.lineage);
}

/**
 * Try `master` on the area of `file`'s page 0: the subkeys when it opens the database, else
 * ENCRYPTION_KEY_WRONG. Reads nothing but the area, so a wrong key changes nothing.
 */
export function unlockKeyArea(meta: Uint8Array, master: MasterKey, file: string): DerivedKeys {
  const area = readKeyArea(meta);
  if (area.scheme !== SCHEME_AES_256_GCM) {
    if (area.scheme === 0) throw new CorruptionError(`page 0 of ${file} says the database is encrypted but holds no key check`, { file, pageNumber: 0 });
    throw new StorageError('FORMAT_VERSION', `${file} uses encryption scheme ${area.scheme}; this ombra knows scheme ${SCHEME_AES_256_GCM}`, { file, scheme: area.scheme });
  }
  const keys = deriveKeys(master, area.salt);
  if (!timingSafeEqual(keyCheck(keys.checkKey), area.check)) {
    throw new SecurityError('ENCRYPTION_KEY_WRONG', `the encryption key from ${master.source} does not open ${file} (the key check in page 0 does not match); nothing was changed`, {
      file,
      source: master.source,
    });
  }
  return keys;
}
