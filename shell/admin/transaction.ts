// :begin, :commit, :rollback — an explicit transaction around several statements
// (src/query/transaction.ts). A read-write transaction holds the database's single writer
// until it ends: other writers (the demo workload, other sessions) are refused meanwhile, so
// the prompt of a console reminds the operator that one is open. `:begin read` is one
// snapshot for several reads (the only kind a read-only database allows).

import { TransactionError } from '../../src/errors.js';
import { splitWords, type AdminCommand } from './types.js';
import { noArguments, usageError } from './usage.js';

const begin: AdminCommand = {
  name: 'begin',
  usage: ':begin [read]',
  summary: 'start an explicit transaction (read: one snapshot for several reads)',
  complete: (index) => (index === 0 ? ['read'] : 'none'),
  async run(ctx) {
    const words = splitWords(ctx.args);
    if (words.length > 1 || (words.length === 1 && words[0]!.toLowerCase() !== 'read')) {
      throw usageError(begin, `unexpected argument '${ctx.args}'`, { args: ctx.args });
    }
    if (ctx.state.transaction !== null) {
      throw new TransactionError('TRANSACTION_STATE', 'a transaction is already open: :commit or :rollback it first', { state: ctx.state.transaction.state });
    }
    const readOnly = words.length === 1 || ctx.db.config.readOnly;
    ctx.state.transaction = ctx.db.begin({ readOnly });
    await ctx.text(`${readOnly ? 'read-only ' : ''}transaction open: statements run in it until :commit or :rollback`, 'err');
  },
};

const commit: AdminCommand = {
  name: 'commit',
  usage: ':commit',
  summary: 'make the open transaction durable (synced) and end it',
  async run(ctx) {
    noArguments(commit, ctx.args);
    const txn = ctx.state.transaction;
    if (txn === null) throw new TransactionError('TRANSACTION_STATE', 'no transaction is open (:begin starts one)', {});
    if (txn.state === 'failed') {
      // The transaction stays open so the operator sees why and rolls it back on purpose.
      throw new TransactionError('TRANSACTION_STATE', 'a statement in this transaction failed: it can only be rolled back (:rollback)', { state: txn.state });
    }
    try {
      await txn.commitAsync();
    } finally {
      if (txn.state !== 'open') ctx.state.transaction = null;
    }
    await ctx.text('committed', 'err');
  },
};

const rollback: AdminCommand = {
  name: 'rollback',
  usage: ':rollback',
  summary: 'undo everything the open transaction did and end it',
  async run(ctx) {
    noArguments(rollback, ctx.args);
    const txn = ctx.state.transaction;
    if (txn === null) throw new TransactionError('TRANSACTION_STATE', 'no transaction is open', {});
    ctx.state.transaction = null;
    txn.rollback();
    await ctx.text('rolled back', 'err');
  },
};

export const TRANSACTION_COMMANDS: readonly AdminCommand[] = [begin, commit, rollback];
