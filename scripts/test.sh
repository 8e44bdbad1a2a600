#!/usr/bin/env bash
# The whole suite, as `npm test` and CI run it: format and lint, type-check everything, run
# the doc examples, then every test on Node (through tsx) and on Deno. tests/package.test.ts
# packs the package and runs it from a fresh project with plain node.
set -euo pipefail
cd "$(dirname "$0")/.."
# The npm-installed Deno, so that `npm ci && npm test` needs nothing else.
deno=node_modules/.bin/deno
tests=$(find tests -name '*.test.ts' | sort)
entries=(mod.ts node.ts deno.ts file_store.ts cluster.ts)
perms=(--allow-net --allow-read --allow-write --allow-env --allow-run --allow-sys)
# Doc examples: every one in src/ runs and asserts its result.
doc_examples=$(find src -name '*.ts' | sort)

echo "== format and lint (deno fmt --check, deno lint)"
"$deno" fmt --check
"$deno" lint

echo "== type-check (deno check, doc examples included)"
"$deno" check --quiet --doc "${entries[@]}" src/ sim/ examples/ tests/ bench/ scripts/

echo "== JSR package: no slow types, what it would publish (deno publish --dry-run, offline)"
"$deno" publish --dry-run --allow-dirty --quiet

echo "== doc examples (deno test --doc)"
# shellcheck disable=SC2086 # one word per file
"$deno" test --quiet --doc "${perms[@]}" "${entries[@]}" $doc_examples sim/mod.ts

echo "== tests on Node $(node --version)"
# shellcheck disable=SC2086
node --import tsx --test --test-reporter=spec $tests examples/starter/game.test.ts

echo "== tests on Deno"
"$deno" test --quiet "${perms[@]}" tests/ examples/starter/game.test.ts
