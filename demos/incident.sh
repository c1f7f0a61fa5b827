#!/usr/bin/env bash
# Incident drill: a database file gets damaged on disk. Walk the runbook on a copy:
#
#   1. make a demo database and checkpoint it         ombra demo, ombra checkpoint --mode truncate
#   2. back it up                                      ombra backup DB --out DIR
#   3. damage a copy: zero a few pages (dd)            what a bad disk or a stray write does
#   4. verify finds the damage (exit 2)                ombra verify DB
#   5. salvage what can still be read                  ombra salvage DB --out DB2
#   6. restore from the backup (and verify it)         ombra restore DIR --out DB3
#
# Usage: demos/incident.sh [WORKDIR]   (default: a new temporary directory, kept at the end)
# OMBRA overrides the command (default: node bin/ombra.js of this checkout). Needs the build
# (npm run build). Exits 0 when every step did what the runbook expects, 1 otherwise.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ -n "${OMBRA:-}" ]]; then
  read -r -a ombra <<<"$OMBRA"
else
  ombra=(node "$here/../bin/ombra.js")
fi
work="${1:-$(mktemp -d "${TMPDIR:-/tmp}/ombra-incident.XXXXXX")}"
mkdir -p "$work"
db="$work/social.db"
damaged="$work/damaged.db"
salvaged="$work/salvaged.db"
restored="$work/restored.db"
backup="$work/backup"
rm -rf "$db" "$db-wal" "$damaged" "$damaged-wal" "$salvaged" "$salvaged-wal" "$restored" "$restored-wal" "$backup"

step=0
say() { step=$((step + 1)); printf '\n\033[1m== %d. %s\033[0m\n' "$step" "$*"; }
[[ -t 1 && -z "${NO_COLOR:-}" ]] || say() { step=$((step + 1)); printf '\n== %d. %s\n' "$step" "$*"; }
run() { printf '$ ombra %s\n' "$*"; "${ombra[@]}" "$@"; }
fail() { printf '\ndrill FAILED: %s\n' "$*" >&2; exit 1; }
count_people() { "${ombra[@]}" shell "$1" --read-only --format csv -c 'MATCH (p:Person) RETURN count(p) AS people' | tail -n 1; }
json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }

say "a demo database ($db), checkpointed so every page is in the file"
printf '$ ombra demo %s --people 2000 < /dev/null\n' "$db"
"${ombra[@]}" demo "$db" --people 2000 </dev/null
run checkpoint "$db" --mode truncate
people=$(count_people "$db")
echo "people in the database: $people"

say "a full backup"
run backup "$db" --out "$backup"

say "damage a copy: zero 4 pages in the middle of the file"
cp "$db" "$damaged"
info=$("${ombra[@]}" info "$damaged" --format json)
page_size=$(json_field pageSizeBytes <<<"$info")
page_count=$(json_field pageCount <<<"$info")
first=$((page_count / 2))
printf '$ dd if=/dev/zero of=%s bs=%s seek=%s count=4 conv=notrunc\n' "$damaged" "$page_size" "$first"
dd if=/dev/zero of="$damaged" bs="$page_size" seek="$first" count=4 conv=notrunc status=none
echo "pages $first..$((first + 3)) of $page_count are now zeroes"

say "verify finds the damage (exit code 2: problems found)"
set +e
run verify "$damaged"
code=$?
set -e
echo "exit code: $code"
[[ $code -eq 2 ]] || fail "ombra verify of the damaged copy exited $code, expected 2"

say "salvage: copy every readable record into a new database"
set +e
run salvage "$damaged" --out "$salvaged"
code=$?
set -e
echo "exit code: $code"
[[ $code -eq 0 ]] || fail "ombra salvage exited $code"
echo "people salvaged: $(count_people "$salvaged") of $people"

say "restore the backup into a new database and verify it"
run restore "$backup" --out "$restored"
run verify "$restored" --level full
restored_people=$(count_people "$restored")
echo "people restored: $restored_people of $people"
[[ "$restored_people" == "$people" ]] || fail "the restored database has $restored_people people, expected $people"

printf '\ndrill passed: the damage was found, salvaged and repaired from the backup. Files in %s\n' "$work"
