// ombra rekey DB --out DB2 [--new-key-file FILE | --decrypt] [--format text|json] [--key-file FILE] [--user NAME] [--config FILE]...
//
// Rewrites every page of DB into the new database DB2 (DB is never changed; src/security/
// rekey.ts): under the new key from --new-key-file (else OMBRA_NEW_ENCRYPTION_KEY), or
// unencrypted with --decrypt. The source's key comes from --key-file or OMBRA_ENCRYPTION_KEY;
// a plain source with a new key is encrypted for the first time. Needs Admin.
import type { Command } from 'commander';
import { UsageError } from '../../src/errors.js';
import { EXIT, parseFormat, showProgress, toJson, type CliIo } from '../cli-support.js';
import { openForCommand } from '../open-for-command.js';
import { addConfigOptions, loadCliConfig, openOptionsFrom, type ConfigFlags } from '../config-options.js';
import { formatMs } from './report-format.js';

export const NEW_KEY_ENV = 'OMBRA_NEW_ENCRYPTION_KEY';

export function registerRekey(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('rekey')
    .description('rewrite a database into a new file under a new key (or --decrypt); the source is not changed')
    .argument('<db>', 'database file')
    .requiredOption('--out <db>', 'new database file (must not exist)')
    .option('--new-key-file <file>', `key file of the new key (default: ${NEW_KEY_ENV})`)
    .option('--decrypt', 'write an unencrypted copy', false)
    .option('--format <format>', 'output format: text or json', 'text');
  addConfigOptions(command).action(async (dbPath: string, options: ConfigFlags & { out: string; newKeyFile?: string; decrypt: boolean; format: string }) => {
    const format = parseFormat(options.format, ['text', 'json'] as const);
    const fromEnv = io.env[NEW_KEY_ENV];
    const hasNewKey = options.newKeyFile !== undefined || (fromEnv !== undefined && fromEnv !== '');
    if (options.decrypt === hasNewKey) {
      throw new UsageError(`give the new key (--new-key-file FILE or ${NEW_KEY_ENV}) or --decrypt, not both and not neither`, { option: '--new-key-file' });
    }
    const db = openForCommand(dbPath, { ...openOptionsFrom(loadCliConfig(options, io)), readOnly: true });
    const stopProgress = showProgress(io, (listener) => db.jobs.subscribe(listener));
    try {
      const report = await db.rekey({
        out: options.out,
        ...(options.decrypt ? { newKey: null } : options.newKeyFile !== undefined ? { newKeyFile: options.newKeyFile } : { newKey: fromEnv! }),
      });
      stopProgress();
      if (format === 'json') io.stdout.write(`${toJson(report)}\n`);
      else {
        const how = report.encryptedAfter ? (report.encryptedBefore ? 'under the new key' : 'encrypted') : 'decrypted';
        io.stdout.write(`rekeyed ${report.source} into ${report.out} (${how}): ${report.pagesWritten} pages, database id ${report.databaseId}, LSN ${report.lsn} (${formatMs(report.durationMs)})\n`);
      }
      setExit(EXIT.ok);
    } finally {
      stopProgress();
      await db.close();
    }
  });
}
