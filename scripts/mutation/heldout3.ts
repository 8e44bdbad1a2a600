/**
 * The third held-out set: written after the second set was seen and before the parser and
 * session probes were added, run only once those were in, and never tuned against.
 *
 * @module
 */
import type { Mutant } from "./mutant.ts";

const CORE = "src/core";
const PARSER = "src/parser";

/** The third held-out set. */
export const HELD_OUT_3: readonly Mutant[] = [
  {
    id: "h3-bucket-time-kept",
    file: `${CORE}/token_bucket.ts`,
    description: "taking tokens does not note when: the same elapsed time refills again and again",
    patches: [{
      find: "    this.#updatedAt = now;\n    const granted",
      replace: "    const granted",
    }],
  },
  {
    id: "h3-bad-and-or",
    file: `${CORE}/connection_policy.ts`,
    description: "|| written as &&: the first bad message ends the connection",
    patches: [{
      find: "return most === 0 || ++this.#badInARow <= most;",
      replace: "return most === 0 && ++this.#badInARow <= most;",
    }],
  },
  {
    id: "h3-partial-not-rearmed",
    file: `${CORE}/connection_policy.ts`,
    description: "the partial-message timer, finding a newer message, is not armed again",
    patches: [{
      find: "if (due > this.#clock.now()) return this.#armPartial(due);",
      replace: "if (due > this.#clock.now()) return;",
    }],
  },
  {
    id: "h3-cancelled-in-batch-runs",
    file: `${CORE}/scheduler.ts`,
    description: "a job cancelled by an earlier job of the same firing still runs",
    patches: [{
      find: "      if (job.cancelled) continue;\n",
      replace: "",
    }],
  },
  {
    id: "h3-fatal-over-rate-untold",
    file: `${CORE}/server.ts`,
    description: "a too-large message over the rate is not answered before the cut",
    patches: [{
      find: "if (allowed > 0 || fatal) await this.runTurn(",
      replace: "if (allowed > 0) await this.runTurn(",
    }],
  },
  {
    id: "h3-empty-delivery-written",
    file: `${CORE}/deliver.ts`,
    description: "a delivery with no commands is written as an empty array",
    patches: [{
      find: "if (indexes.length === 0 || commands.length === 0) continue;",
      replace: "if (indexes.length === 0) continue;",
    }],
  },
  {
    id: "h3-proto-allowed",
    file: `${PARSER}/value_check.ts`,
    description: 'the key "__proto__" is let through',
    patches: [{
      find: `    if (key === "__proto__") return 'the key "__proto__" is not allowed';\n`,
      replace: "",
    }],
  },
  {
    id: "h3-screened-kept",
    file: `${CORE}/session_layer.ts`,
    description: "a resume or leave in the middle of a message is also passed to the game",
    patches: [{ find: "      from = at + 1;", replace: "      from = at;" }],
  },
  {
    id: "h3-given-up-drain-waits",
    file: `${CORE}/outbound_guard.ts`,
    description: "a connection given up on is still waited for",
    patches: [{
      find: "if (this.#given || this.#inner.bufferedBytes === 0) return Promise.resolve();",
      replace: "if (this.#inner.bufferedBytes === 0) return Promise.resolve();",
    }],
  },
  {
    id: "h3-cancel-keeps-alarm",
    file: `${CORE}/scheduler.ts`,
    description: "cancelling the next job leaves the clock armed for it",
    patches: [{
      find: "    if (position >= 0) this.#queue.splice(position, 1);\n    this.#arm();\n",
      replace: "    if (position >= 0) this.#queue.splice(position, 1);\n",
    }],
  },
];
