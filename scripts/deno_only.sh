#!/usr/bin/env bash
# A fresh clone on a machine with only Deno, as `.ci/run` checks it: the repository's files
# (those git tracks, and new ones it does not ignore) copied without node_modules, and there,
# with nothing but Deno on the PATH and an empty Deno cache: `deno task test`, `deno task
# server` (serves, answers, stops on Ctrl-C) and `deno task sim`. DENO names the Deno binary
# (default: the npm-installed one).
set -euo pipefail
cd "$(dirname "$0")/.."
deno_bin=$(readlink -f "${DENO:-node_modules/.bin/deno}")
tmp=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill -KILL -- "-$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/bin" "$tmp/clone"
ln -s "$deno_bin" "$tmp/bin/deno"
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' file; do [ -e "$file" ] && printf '%s\0' "$file"; done |
  xargs -0 cp --parents -t "$tmp/clone"
cd "$tmp/clone"
# Only Deno on the PATH; HOME for Deno's own files, an empty cache.
only_deno=(env -i HOME="$HOME" PATH="$tmp/bin" DENO_DIR="$tmp/cache" NO_COLOR=1)

echo "== deno task test (no node_modules, only Deno on the PATH)"
timeout 900 "${only_deno[@]}" deno task test

echo "== deno task server"
setsid "${only_deno[@]}" deno task server --port 0 >"$tmp/server.log" 2>&1 &
server=$!
port=""
for _ in $(seq 1 150); do
  port=$(sed -n 's/.*INFO listening hostname=127.0.0.1 port=\([0-9]*\).*/\1/p' "$tmp/server.log")
  [ -n "$port" ] && break
  sleep 0.2
done
if [ -z "$port" ]; then
  cat "$tmp/server.log"
  echo "deno task server did not start" >&2
  exit 1
fi
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf '{"code":"get","key":"dresser"}\0' >&3
IFS= read -r -d '' -t 10 reply <&3
exec 3>&-
expected='[{"code":"get","key":"dresser","success":true,"state":null}]'
if [ "$reply" != "$expected" ]; then
  echo "deno task server answered $reply, not $expected" >&2
  exit 1
fi
kill -INT -- "-$server"
for _ in $(seq 1 100); do grep -q "INFO stopped" "$tmp/server.log" && break; sleep 0.1; done
grep -q "INFO stopped" "$tmp/server.log" || { cat "$tmp/server.log"; exit 1; }
code=0
wait "$server" || code=$?
server=""
if [ "$code" != 0 ]; then
  cat "$tmp/server.log"
  echo "deno task server exited $code on SIGINT, not 0" >&2
  exit 1
fi
echo "served on port $port, answered, stopped on SIGINT with exit code 0"

echo "== deno task sim"
out=$(timeout 120 "${only_deno[@]}" SIM_SEED=1 deno task sim)
echo "$out" | tail -2
echo "$out" | grep -q '^replay: SIM_SEED=1 deno task sim$'
