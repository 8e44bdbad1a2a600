/**
 * The fourth held-out set: written from the core and the parser alone, without reading the
 * simulator's invariants or scenarios, and never tuned against. Each one changes what a client
 * or the game sees: 13 fail a unit test (server_core, sessions, limits, timed_commands,
 * json_parser, json_parser_limits), the other 7 were each shown by a probe of the server with a
 * ManualClock (a broadcast sent twice, a failed save answered twice, a batch's good save
 * answered with the error of the bad one, an error lost after a resume, a sender held up by a
 * lagging reader, pendingInputBytes 256 for 13 bytes held, a timer due first run late).
 *
 * @module
 */
import type { Mutant } from "./mutant.ts";

const CORE = "src/core";
const PARSER = "src/parser";

/** The fourth held-out set. */
export const HELD_OUT_4: readonly Mutant[] = [
  {
    id: "h4-held-split-all-later",
    file: `${CORE}/deliver.ts`,
    description: "a delivery shared with a connection that has a held write is sent again, " +
      "later, to the recipients that already got it at once",
    patches: [{
      find: "later.push([indexes.filter((index) => this.#pending.has(index)), commands]);",
      replace: "later.push([indexes, commands]);",
    }],
  },
  {
    id: "h4-failed-hold-error-each",
    file: `${CORE}/deliver.ts`,
    description: "a held answer that fails is replaced by its error once per delivery it had",
    patches: [{
      find: "failed.forEach((delivery, at) => replaced.set(delivery, at === 0 ? instead : []));",
      replace: "failed.forEach((delivery) => replaced.set(delivery, instead));",
    }],
  },
  {
    id: "h4-bad-message-to-old-index",
    file: `${CORE}/server.ts`,
    description: "a bad message after a resume in the same read is answered to the old index",
    patches: [
      {
        find: "    const { policy, decoder } = entry;\n",
        replace: "    const { policy, decoder, index: sender } = entry;\n",
      },
      {
        find: "const to = [entry.index]; // read now: a resume among earlier messages moved it",
        replace: "const to = [sender];",
      },
    ],
  },
  {
    id: "h4-superseded-unregisters-new",
    file: `${CORE}/server.ts`,
    description: "closing a connection whose identity was resumed elsewhere unregisters the " +
      "connection that resumed it",
    patches: [{
      find: "if (this.#registry.get(index) === entry) this.#registry.delete(index);",
      replace: "this.#registry.delete(index);",
    }],
  },
  {
    id: "h4-end-overtakes-reads",
    file: `${CORE}/server.ts`,
    description: "the end of a stream is handled at once, not after the reads before it: " +
      "what a client sent just before it half-closed is dropped",
    patches: [{
      find: 'return server.#then(entry, index, () => server.#disconnect(entry, "end"));',
      replace: 'return server.#disconnect(entry, "end");',
    }],
  },
  {
    id: "h4-hold-waits-for-batch",
    file: `${CORE}/application.ts`,
    description: "a held answer waits for every wait of its batch so far: a command is " +
      "answered with the error of an earlier command's failed save",
    patches: [{
      find: "until: Promise.all(waits.slice(before)),",
      replace: "until: Promise.all(waits),",
    }],
  },
  {
    id: "h4-bucket-takes-wanted",
    file: `${CORE}/token_bucket.ts`,
    description: "the bucket takes every token asked for, not those granted: a message over " +
      "the rate leaves the bucket in debt",
    patches: [{ find: "this.#tokens -= granted;", replace: "this.#tokens -= wanted;" }],
  },
  {
    id: "h4-partial-from-last-heard",
    file: `${CORE}/connection_policy.ts`,
    description: "the partial-message deadline counts from the last read, not the message's " +
      "first byte: a client trickling one message is never cut",
    patches: [{
      find: "const due = since + this.#limits.partialMessageTimeoutMs;",
      replace: "const due = this.#lastHeard + this.#limits.partialMessageTimeoutMs;",
    }],
  },
  {
    id: "h4-lagging-still-waited",
    file: `${CORE}/outbound_guard.ts`,
    description: "a connection lagging over the high-water mark is still waited for, up to " +
      "drainWaitMs",
    patches: [{
      find:
        "return this.#lagging ? Promise.resolve() : Promise.race([wait.drained, wait.patience]);",
      replace: "return Promise.race([wait.drained, wait.patience]);",
    }],
  },
  {
    id: "h4-defaults-over-overrides",
    file: `${CORE}/limits.ts`,
    description: "the defaults are spread after the overrides: every limit given is ignored",
    patches: [{
      find: "const limits = { ...DEFAULT_LIMITS, ...overrides };",
      replace: "const limits = { ...overrides, ...DEFAULT_LIMITS };",
    }],
  },
  {
    id: "h4-pending-input-capacity",
    file: `${CORE}/live_connections.ts`,
    description: "pendingInputBytes reports the decoder's buffer size, not the bytes it holds",
    patches: [{
      find: "return this.#registry.get(index)?.decoder.bufferedBytes ?? 0;",
      replace: "return this.#registry.get(index)?.decoder.retainedBytes ?? 0;",
    }],
  },
  {
    id: "h4-earlier-job-not-rearmed",
    file: `${CORE}/scheduler.ts`,
    description: "while the clock is armed, adding a job due earlier does not re-arm it: the " +
      "new job runs late, with the one armed for",
    patches: [{
      find: "if (this.#armed && next && this.#armed.at === next.at) return;",
      replace: "if (this.#armed && next) return;",
    }],
  },
  {
    id: "h4-after-ms-zero-refused",
    file: `${CORE}/internal.ts`,
    description: "after_ms must be at least 1: a command timed to run after 0 ms is refused",
    patches: [{
      find: 'number(afterMs, "after_ms", 0)',
      replace: 'number(afterMs, "after_ms", 1)',
    }],
  },
  {
    id: "h4-internal-some-addressed",
    file: `${CORE}/internal_commands.ts`,
    description: "a result with any addressed delivery is taken to have no internal commands: " +
      "those beside a reply never run",
    patches: [{
      find: "if (result.every(([indexes]) => indexes.length > 0)) return result;",
      replace: "if (result.some(([indexes]) => indexes.length > 0)) return result;",
    }],
  },
  {
    id: "h4-release-keeps-hold",
    file: `${CORE}/sessions.ts`,
    description: "releasing a held identity (ended by the server, or at shutdown) leaves its " +
      "hold timer armed: its onDisconnect runs again when the hold expires",
    patches: [{
      find: "    this.#forgetToken(identity);\n    identity.cancelHold?.();\n    this.#byIndex",
      replace: "    this.#forgetToken(identity);\n    this.#byIndex",
    }],
  },
  {
    id: "h4-resume-drops-rest",
    file: `${CORE}/session_layer.ts`,
    description: "the commands after a successful resume in the same message are dropped",
    patches: [{
      find: "if (await this.#resume(entry, first.token)) return this.handle(entry, rest);",
      replace: "if (await this.#resume(entry, first.token)) return;",
    }],
  },
  {
    id: "h4-batch-some-commands",
    file: `${PARSER}/json_parser.ts`,
    description: "an array is taken as a batch when some of its members are command objects, " +
      "not all: [{...}, 5] reaches the game",
    patches: [{
      find: "!commands.every(isCommand)",
      replace: "!commands.some(isCommand)",
    }],
  },
  {
    id: "h4-size-ignores-held",
    file: `${PARSER}/json_parser.ts`,
    description: "the size limit counts only this read's part of a message: a message too " +
      "large, sent in pieces, is accepted",
    patches: [{
      find: "if (this.#tooLarge(this.#tail.length + end)) {",
      replace: "if (this.#tooLarge(end)) {",
    }],
  },
  {
    id: "h4-tail-clear-keeps-length",
    file: `${PARSER}/tail_buffer.ts`,
    description: "clearing the tail lets its buffer go but keeps its length: the message after " +
      "a split one starts with zero bytes",
    patches: [{
      find: "    this.#bytes = EMPTY;\n    this.#length = 0;\n",
      replace: "    this.#bytes = EMPTY;\n",
    }],
  },
  {
    id: "h4-inexact-needs-17-digits",
    file: `${PARSER}/value_check.ts`,
    description: "only values past 2^54 have their literal read again: a 16-digit integer " +
      "past 2^53 passes, rounded",
    patches: [{
      find: "member <= Number.MAX_SAFE_INTEGER && member >= -Number.MAX_SAFE_INTEGER",
      replace: "member <= 2 * Number.MAX_SAFE_INTEGER && member >= -2 * Number.MAX_SAFE_INTEGER",
    }],
  },
];
