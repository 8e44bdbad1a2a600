#!/usr/bin/env bash
# The benchmarks, as `npm run bench` runs them (never part of `npm test`): fan-out against the
# raw baseline and Socket.IO, the parser on Node and on Deno, server memory with idle
# connections, and the simulator. Loopback only; every step has a time limit, and every
# process it starts stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
deno=node_modules/.bin/deno

# 10,000 idle connections take 10,000 descriptors in the server process and as many in the
# client process: raise the soft limit to the hard one if it is lower than that needs.
needed=10100
soft=$(ulimit -Sn)
hard=$(ulimit -Hn)
if [ "$soft" != unlimited ] && [ "$soft" -lt "$needed" ]; then
  ulimit -Sn "$hard"
  echo "open-file limit raised from $soft to $(ulimit -Sn) (hard limit $hard)"
fi
echo "open-file limit: $(ulimit -Sn) soft, $hard hard (10,000 connections need $needed per process)"

failed=0
# step SECONDS COMMAND...: runs one benchmark, killed if it overruns; the others still run.
step() {
  echo
  if ! timeout --kill-after=10 "$1" "${@:2}"; then
    echo "FAILED (or over its ${1} s limit): ${*:2}"
    failed=1
  fi
}

step 420 node --import tsx bench/fanout.ts
step 120 node --import tsx bench/parser.ts
step 120 "$deno" run --quiet --allow-run --allow-read --allow-env bench/parser.ts
step 240 node --import tsx bench/memory.ts
if [ -f bench/sim_throughput.ts ]; then
  step 120 node --import tsx bench/sim_throughput.ts
fi
exit "$failed"
