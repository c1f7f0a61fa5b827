#!/usr/bin/env node
// The CLI entry is compiled TypeScript (npm run build; npm install runs it through `prepare`).
import('../dist/shell/cli.js').then(
  async ({ runCli }) => {
    // exitCode, not exit(): piped output must drain before the process ends.
    process.exitCode = await runCli(process.argv.slice(2));
  },
  (error) => {
    if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/shell/cli.js')) {
      process.stderr.write('ombra: not built yet; run `npm run build` first\n');
      process.exit(3);
    }
    throw error;
  },
);
