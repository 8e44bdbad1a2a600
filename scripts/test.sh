#!/usr/bin/env bash
# The whole suite: type-check everything, then run every test on Node (through tsx) and on Deno.
set -euo pipefail
cd "$(dirname "$0")/.."
deno=node_modules/.bin/deno
tests=$(find tests -name '*.test.ts' | sort)

echo "== type-check (deno check, doc examples included)"
"$deno" check --quiet --doc mod.ts src/ sim/ examples/ tests/ bench/

echo "== tests on Node $(node --version)"
node --import tsx --test --test-reporter=spec $tests

echo "== tests on Deno"
"$deno" test --quiet --allow-net --allow-read --allow-write --allow-env --allow-run --allow-sys tests/
