// :explain, :profile — shortcuts for EXPLAIN / PROFILE in front of a statement (the plan tree;
// PROFILE runs it and adds rows and time per operator); :indexes — SHOW INDEXES.

import type { AdminCommand } from './types.js';
import { noArguments, usageError } from './usage.js';

function planShortcut(name: 'explain' | 'profile', summary: string): AdminCommand {
  const command: AdminCommand = {
    name,
    usage: `:${name} STATEMENT`,
    summary,
    complete: () => 'cypher',
    async run(ctx) {
      const statement = ctx.args.replace(/;\s*$/, '').trim();
      if (statement === '') throw usageError(command, 'give the statement', {});
      if (/^(explain|profile)\b/i.test(statement)) throw usageError(command, 'the statement already starts with EXPLAIN or PROFILE', {});
      await ctx.runStatement(`${name.toUpperCase()} ${statement}`);
    },
  };
  return command;
}

const indexes: AdminCommand = {
  name: 'indexes',
  usage: ':indexes',
  summary: 'the property indexes (SHOW INDEXES)',
  async run(ctx) {
    noArguments(indexes, ctx.args);
    await ctx.runStatement('SHOW INDEXES');
  },
};

export const QUERY_COMMANDS: readonly AdminCommand[] = [
  planShortcut('explain', 'the plan of a statement, without running it'),
  planShortcut('profile', 'run a statement and show its plan with rows and time per operator'),
  indexes,
];
