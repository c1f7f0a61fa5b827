#!/usr/bin/env node
// The CLI entry is compiled TypeScript (npm run build, which npm install runs through `prepare`).
import('../dist/shell/cli.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/shell/cli.js')) {
    process.stderr.write('ombra: not built yet; run `npm run build` first\n');
    process.exit(3);
  }
  throw error;
});
