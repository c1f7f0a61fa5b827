#!/usr/bin/env bash
# Installs the peer engines of `npm run bench:peers` into bench/peers/node_modules (their own
# package.json, never the product's). Idempotent: does nothing when both already load at the
# pinned versions. better-sqlite3 may build from source (no prebuilt binary can be fetched
# here): a few minutes the first time; needs python3, make and a C++ compiler.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

installed() {
  node --input-type=commonjs -e '
    const want = require("./package.json").dependencies;
    for (const [name, version] of Object.entries(want)) {
      // read the file: some packages (kuzu) do not export their package.json
      const got = JSON.parse(require("fs").readFileSync("node_modules/" + name + "/package.json", "utf8")).version;
      if (got !== version) throw new Error(name + " " + got + " installed, " + version + " wanted");
      require(name); // loads the native addon: a broken build fails here
    }
  ' >/dev/null 2>&1
}

if installed; then
  echo "bench/peers: better-sqlite3 and kuzu already installed"
  exit 0
fi
echo "bench/peers: installing better-sqlite3 and kuzu (better-sqlite3 may compile from source: a few minutes)"
# The install scripts are approved in package.json "allowScripts" (npm 11.16+).
npm install --no-audit --no-fund --no-package-lock --loglevel=error
if ! installed; then
  echo "bench/peers: the peers were installed but do not load; see the npm output above" >&2
  node --input-type=commonjs -e 'require("better-sqlite3"); require("kuzu")' >&2 || true
  exit 1
fi
echo "bench/peers: installed"
