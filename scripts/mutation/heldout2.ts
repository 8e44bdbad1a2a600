/**
 * The second held-out set: realistic bugs of `src/core` and `src/parser`, written (and
 * scored) before the late clock, the slow store and the boundary probes were added, and never
 * tuned against. Each differs from the main set's and the first held-out set's mutants.
 *
 * @module
 */
import type { Mutant } from "./mutant.ts";

const CORE = "src/core";
const PARSER = "src/parser";

/** The second held-out set. */
export const HELD_OUT_2: readonly Mutant[] = [
  {
    id: "h2-burst-one-short",
    file: `${CORE}/token_bucket.ts`,
    description: "a new bucket starts one token short of its burst",
    patches: [{ find: "this.#tokens = burst;", replace: "this.#tokens = burst - 1;" }],
  },
  {
    id: "h2-utf8-run-lenient",
    file: `${PARSER}/json_parser.ts`,
    description: "whole messages of one read are decoded leniently: bad UTF-8 becomes U+FFFD",
    patches: [{
      find: "text = strictUtf8.decode(run);",
      replace: "text = lenientUtf8.decode(run);",
    }],
  },
  {
    id: "h2-underflow-unchecked",
    file: `${PARSER}/value_check.ts`,
    description: "a zero is never read again from the text: 1e-400 passes as 0",
    patches: [{
      find: "if (member === 0) walk.zero = true;",
      replace: "if (member === 0) walk.zero = false;",
    }],
  },
  {
    id: "h2-depth-from-zero",
    file: `${PARSER}/value_check.ts`,
    description: "depth is counted from 0: a command one level deeper than maxDepth passes",
    patches: [{
      find: "const problem = problemIn(command, 1, walk);",
      replace: "const problem = problemIn(command, 0, walk);",
    }],
  },
  {
    id: "h2-idle-rearm-from-now",
    file: `${CORE}/connection_policy.ts`,
    description: "the idle timer, moved on, counts from when it fired, not when last heard",
    patches: [{
      find: "if (due > this.#clock.now()) return this.#armIdle(due);",
      replace:
        "if (due > this.#clock.now()) return this.#armIdle(this.#clock.now() + this.#limits.idleTimeoutMs);",
    }],
  },
  {
    id: "h2-slow-timer-from-patience",
    file: `${CORE}/outbound_guard.ts`,
    description: "the slow-consumer timeout counts from the end of the drain wait, not its start",
    patches: [{
      find: "this.#arm(wait.since + this.#limits.slowConsumerTimeoutMs,",
      replace: "this.#arm(this.#clock.now() + this.#limits.slowConsumerTimeoutMs,",
    }],
  },
  {
    id: "h2-wait-end-keeps-timer",
    file: `${CORE}/outbound_guard.ts`,
    description: "a drained connection's wait timers stay armed",
    patches: [{
      find: "    this.#lagging = false;\n    this.#stopTimer();\n",
      replace: "    this.#lagging = false;\n",
    }],
  },
  {
    id: "h2-lagging-sticks",
    file: `${CORE}/outbound_guard.ts`,
    description: "a connection once lagging stays lagging after it drained",
    patches: [{
      find: "    this.#wait = undefined;\n    this.#lagging = false;\n",
      replace: "    this.#wait = undefined;\n",
    }],
  },
  {
    id: "h2-timed-command-loses-id",
    file: `${CORE}/internal.ts`,
    description: "a timed command runs without its timer id",
    patches: [{
      find: "periodMs: period, command: { ...rest, ...idOf(id) } };",
      replace: "periodMs: period, command: { ...rest } };",
    }],
  },
  {
    id: "h2-error-forgets-command",
    file: `${CORE}/application.ts`,
    description: "an error reply copies code and key but not the command field",
    patches: [{
      find: 'for (const field of ["code", "command", "key"])',
      replace: 'for (const field of ["code", "key"])',
    }],
  },
  {
    id: "h2-shutdown-still-reads",
    file: `${CORE}/server.ts`,
    description: "messages read after shutdown began are still handled",
    patches: [
      {
        find: "    if (entry.leaving || !this.#accepting) return;\n    const { policy",
        replace: "    if (entry.leaving) return;\n    const { policy",
      },
      {
        find: "      if (entry.leaving || !this.#accepting) return;\n",
        replace: "      if (entry.leaving) return;\n",
      },
    ],
  },
  {
    id: "h2-tail-grows-to-double",
    file: `${PARSER}/tail_buffer.ts`,
    description: "the tail grows to double its size even when one append needs more",
    patches: [{
      find: "new Uint8Array(Math.max(needed, doubled))",
      replace: "new Uint8Array(doubled)",
    }],
  },
  {
    id: "h2-pending-since-latest",
    file: `${PARSER}/json_parser.ts`,
    description: "an unfinished message's time is that of the latest read, not the first",
    patches: [{
      find: "this.#pendingSince ??= now;",
      replace: "this.#pendingSince = now;",
    }],
  },
  {
    id: "h2-resume-keeps-hold",
    file: `${CORE}/sessions.ts`,
    description: "redeeming a held identity does not cancel its hold timer",
    patches: [{
      find:
        "    this.#forgetToken(identity);\n    identity.cancelHold?.();\n    identity.cancelHold = undefined;\n    return index;",
      replace:
        "    this.#forgetToken(identity);\n    identity.cancelHold = undefined;\n    return index;",
    }],
  },
  {
    id: "h2-hold-during-shutdown",
    file: `${CORE}/session_layer.ts`,
    description: "a connection closed by shutdown is held instead of gone",
    patches: [{
      find: 'if (ending === "hold" && this.host.accepting())',
      replace: 'if (ending === "hold")',
    }],
  },
  {
    id: "h2-notice-after-close",
    file: `${CORE}/server.ts`,
    description: "the notice is written after the connection was closed",
    patches: [{
      find:
        "    if (notice) tryWrite(entry.policy.outbound, this.parser.serialize([notice]));\n    const closed = entry.policy.outbound.close(mode);\n",
      replace:
        "    const closed = entry.policy.outbound.close(mode);\n    if (notice) tryWrite(entry.policy.outbound, this.parser.serialize([notice]));\n",
    }],
  },
  {
    id: "h2-drain-failure-unhandled",
    file: `${CORE}/deliver.ts`,
    description: "a failed drain is not reported: the recipient is never dropped",
    patches: [{
      find: "connection.drain().catch((error) => recipients.fail(index, error))",
      replace: "connection.drain()",
    }],
  },
];
