// ink decides once, when it loads, whether it runs in CI (is-in-ci: CI or CONTINUOUS_INTEGRATION
// set) and then draws only the last frame. A test of incremental drawing imports this module
// first, so ink loads the way the console loads it (shell/console.ts importDashboard); the test
// calls restoreCi() once its imports are done.

const hidden: [string, string][] = [];
for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) {
  const value = process.env[name];
  if (value === undefined) continue;
  hidden.push([name, value]);
  delete process.env[name];
}

/** Put the hidden variables back (ink has loaded by then). */
export function restoreCi(): void {
  for (const [name, value] of hidden.splice(0)) process.env[name] = value;
}
