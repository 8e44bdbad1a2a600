#!/usr/bin/env bash
# The benchmarks, as `npm run bench` runs them (never part of `npm test`): fan-out against the
# raw baseline and Socket.IO, the parser on Node and on Deno, server memory with idle
# connections, and the simulator. Loopback only; every step has a time limit, and Ctrl-C (or
# SIGTERM) stops the step that runs, with every process it started, and the run.
set -euo pipefail
cd "$(dirname "$0")/.."
deno=node_modules/.bin/deno
tsx=(node --import tsx)
deno_parser=("$deno" run --quiet --allow-run --allow-read --allow-env)
deno_all=("$deno" run --quiet --allow-net --allow-env --allow-read --allow-run --allow-sys)

usage() {
  cat <<'USAGE'
Usage: npm run bench [-- NAME [FLAGS...]]     (or: bash bench/run.sh ...)

Without a name, runs fanout, parser (Node, then Deno), memory and sim in turn, each with a
time limit: about 7 minutes. With a name, runs that benchmark alone with its flags, e.g.
`npm run bench -- fanout --clients 100 --targets raw,node --rounds 5`.

Benchmarks and their flags:
  fanout          [--clients 10,100,500] [--targets raw,node,deno,ws-node,ws-deno,socketio,
                  raw-per-frame,raw-deno,raw-json,node-relay,deno-relay,ws-stream-node,
                  ws-stream-deno] [--rounds 2] [--measure-ms 1500] [--pace-ms auto]
                  [--in-flight 16384]
  parser          [--processes 3]                   on Node; parser-deno: the same on Deno
  memory          [--counts 1000,10000] [--targets raw,node,deno,ws-node,ws-deno,socketio]
  sim             environment: SIM_BENCH_CLIENTS=200 SIM_BENCH_MESSAGES=10 SIM_BENCH_RUNS=5
  stalled-reader  [--seconds 5] [--players 3] [--state-bytes 3000]   (not in the full run);
                  stalled-reader-deno: the same on Deno

Options:
  --help          print this and exit
USAGE
}

# The process group of the step that runs: `timeout` makes one of its own, so a Ctrl-C at the
# terminal does not reach the benchmark's processes; this trap passes it on.
current=""
stop() {
  trap - INT TERM
  if [ -n "$current" ]; then
    kill -TERM -- "-$current" 2>/dev/null || kill -TERM "$current" 2>/dev/null || true
    wait "$current" 2>/dev/null || true
  fi
  echo "benchmarks stopped"
  exit 130
}
trap stop INT TERM

failed=0
# step SECONDS COMMAND...: runs one benchmark, killed if it overruns; the others still run.
step() {
  echo
  timeout --kill-after=10 "$1" "${@:2}" &
  current=$!
  if ! wait "$current"; then
    echo "FAILED (or over its ${1} s limit): ${*:2}"
    failed=1
  fi
  current=""
}

# The command of one benchmark by name, into the array `command`.
command_of() {
  case "$1" in
    fanout) command=("${tsx[@]}" bench/fanout.ts) ;;
    parser) command=("${tsx[@]}" bench/parser.ts) ;;
    parser-deno) command=("${deno_parser[@]}" bench/parser.ts) ;;
    memory) command=("${tsx[@]}" bench/memory.ts) ;;
    sim) command=("${tsx[@]}" bench/sim_throughput.ts) ;;
    stalled-reader) command=("${tsx[@]}" bench/stalled_reader.ts) ;;
    stalled-reader-deno) command=("${deno_all[@]}" bench/stalled_reader.ts) ;;
    *) return 1 ;;
  esac
}

# 10,000 idle connections take 10,000 descriptors in the server process and as many in the
# client process: raise the soft limit to the hard one if it is lower than that needs (the
# memory benchmark stops, saying so, if it is still too low).
raise_file_limit() {
  local needed=10100 soft hard
  soft=$(ulimit -Sn)
  hard=$(ulimit -Hn)
  if [ "$soft" != unlimited ] && [ "$soft" -lt "$needed" ]; then
    ulimit -Sn "$hard"
    echo "open-file limit raised from $soft to $(ulimit -Sn) (hard limit $hard)"
  fi
  echo "open-file limit: $(ulimit -Sn) soft, $hard hard (10,000 connections need $needed per process)"
}

case "${1:-}" in
  --help | -h)
    usage
    exit 0
    ;;
  "") ;;
  *)
    if ! command_of "$1"; then
      echo "unknown benchmark or option: $1" >&2
      echo >&2
      usage >&2
      exit 2
    fi
    raise_file_limit
    step 1800 "${command[@]}" "${@:2}"
    exit "$failed"
    ;;
esac

raise_file_limit
step 420 "${tsx[@]}" bench/fanout.ts
step 120 "${tsx[@]}" bench/parser.ts
step 120 "${deno_parser[@]}" bench/parser.ts
step 240 "${tsx[@]}" bench/memory.ts
step 120 "${tsx[@]}" bench/sim_throughput.ts
exit "$failed"
