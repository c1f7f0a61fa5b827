// Deferred writes of a write transaction (transaction.ts T5): a flush registered for a root
// slot runs before that root is next read and before commit, never for other slots, never
// after a rollback; a flush that fails at commit rolls the transaction back.
import { describe, expect, it } from 'vitest';
import { BTree, rootInSlot } from '../../src/storage/btree.js';
import { StorageError } from '../../src/errors.js';
import { ROOT_SLOT } from '../../src/storage/meta.js';
import { newSimFs, openPager } from '../support/pager-harness.js';

const SLOT = ROOT_SLOT.FIRST_SPARE;
const key = (n: number): Uint8Array => Uint8Array.of(n);

describe('deferred writes (T5)', () => {
  it('runs the flush before the slot is read, once, and not for other slots', async () => {
    const pager = openPager(newSimFs());
    const txn = pager.beginWrite();
    let runs = 0;
    txn.deferUntilRead(SLOT, () => {
      runs++;
      new BTree(txn, rootInSlot(txn, SLOT)).put(key(1), key(10));
    });
    txn.deferUntilRead(SLOT, () => (runs += 100)); // a second registration keeps the first
    txn.getRoot(SLOT + 1);
    expect(runs).toBe(0);
    const tree = new BTree(txn, rootInSlot(txn, SLOT));
    expect(tree.get(key(1))).toEqual(key(10));
    expect(runs).toBe(1);
    expect(tree.get(key(1))).toEqual(key(10));
    expect(runs).toBe(1);
    txn.commit();
    await pager.close();
  });

  it('flushes at commit, and a flush may defer into another slot', async () => {
    const fs = newSimFs();
    let pager = openPager(fs);
    const txn = pager.beginWrite();
    txn.deferUntilRead(SLOT, () => {
      new BTree(txn, rootInSlot(txn, SLOT)).put(key(2), key(20));
      txn.deferUntilRead(SLOT + 1, () => new BTree(txn, rootInSlot(txn, SLOT + 1)).put(key(3), key(30)));
    });
    txn.commit();
    await pager.close();
    pager = openPager(fs);
    const read = pager.beginRead();
    expect(new BTree(read, rootInSlot(read, SLOT)).get(key(2))).toEqual(key(20));
    expect(new BTree(read, rootInSlot(read, SLOT + 1)).get(key(3))).toEqual(key(30));
    read.end();
    await pager.close();
  });

  it('drops the flush on rollback', async () => {
    const pager = openPager(newSimFs());
    const txn = pager.beginWrite();
    let runs = 0;
    txn.deferUntilRead(SLOT, () => runs++);
    txn.rollback();
    const next = pager.beginWrite();
    next.getRoot(SLOT);
    next.commit();
    expect(runs).toBe(0);
    await pager.close();
  });

  it('rolls back when a flush fails at commit, leaving the database as it was', async () => {
    const pager = openPager(newSimFs());
    const txn = pager.beginWrite();
    new BTree(txn, rootInSlot(txn, SLOT + 2)).put(key(4), key(40));
    txn.deferUntilRead(SLOT, () => {
      throw new StorageError('DATABASE_FULL', 'full');
    });
    expect(() => txn.commit()).toThrowError(expect.objectContaining({ code: 'DATABASE_FULL' }));
    expect(txn.isEnded).toBe(true);
    const read = pager.beginRead();
    expect(read.getRoot(SLOT + 2)).toBe(0);
    read.end();
    pager.beginWrite().commit(); // the writer was released
    await pager.close();
  });

  it('refuses slots outside 0..31', async () => {
    const pager = openPager(newSimFs());
    const txn = pager.beginWrite();
    expect(() => txn.deferUntilRead(32, () => undefined)).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    txn.rollback();
    await pager.close();
  });
});
