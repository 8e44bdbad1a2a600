/**
 * The main set's mutants of the rate limiter, the connection policy, the outbound guard, the
 * timers and the parser.
 *
 * @module
 */
import type { Mutant } from "./mutant.ts";

const CORE = "src/core";
const PARSER = "src/parser";

/** Mutants of the limits, the timers and the parser. */
export const LIMIT_AND_PARSER_MUTANTS: readonly Mutant[] = [
  {
    id: "rate-rounds-up",
    file: `${CORE}/token_bucket.ts`,
    description: "the rate limiter rounds a fraction of a token up",
    patches: [{ find: "Math.floor(this.#tokens)", replace: "Math.ceil(this.#tokens)" }],
  },
  {
    id: "bucket-uncapped",
    file: `${CORE}/token_bucket.ts`,
    description: "the token bucket fills beyond its burst",
    patches: [{
      find: "Math.min(this.burst, this.#tokens + (elapsed * this.perSecond) / 1000)",
      replace: "this.#tokens + (elapsed * this.perSecond) / 1000",
    }],
  },
  {
    id: "bucket-tenth-seconds",
    file: `${CORE}/token_bucket.ts`,
    description: "the token bucket refills ten times too fast",
    patches: [{
      find: "(elapsed * this.perSecond) / 1000",
      replace: "(elapsed * this.perSecond) / 100",
    }],
  },
  {
    id: "bad-in-a-row-off-by-one",
    file: `${CORE}/connection_policy.ts`,
    description: "the connection is cut at maxBadMessages, not after it",
    patches: [{ find: "++this.#badInARow <= most", replace: "++this.#badInARow < most" }],
  },
  {
    id: "good-message-keeps-count",
    file: `${CORE}/connection_policy.ts`,
    description: "a good message does not end the run of bad ones",
    patches: [{ find: "    this.#badInARow = 0;\n", replace: "" }],
  },
  {
    id: "idle-ignores-last-heard",
    file: `${CORE}/connection_policy.ts`,
    description: "the idle timer fires without looking at when the client was last heard",
    patches: [{
      find: "      if (due > this.#clock.now()) return this.#armIdle(due);\n",
      replace: "      void due;\n",
    }],
  },
  {
    id: "idle-half-time",
    file: `${CORE}/connection_policy.ts`,
    description: "the idle deadline is half the timeout after the client was last heard",
    patches: [{
      find: "const due = this.#lastHeard + this.#limits.idleTimeoutMs;",
      replace: "const due = this.#lastHeard + this.#limits.idleTimeoutMs / 2;",
    }],
  },
  {
    id: "idle-timer-left-armed",
    file: `${CORE}/connection_policy.ts`,
    description: "stopping the policy leaves its idle timer armed",
    patches: [{
      find: "    this.#cancelIdle?.();\n    this.#cancelIdle = undefined;\n",
      replace: "",
    }],
  },
  {
    id: "slow-cut-at-drain-wait",
    file: `${CORE}/outbound_guard.ts`,
    description: "a slow consumer is cut after drainWaitMs instead of slowConsumerTimeoutMs",
    patches: [{
      find: "this.#arm(wait.since + this.#limits.slowConsumerTimeoutMs,",
      replace: "this.#arm(wait.since + this.#limits.drainWaitMs,",
    }],
  },
  {
    id: "drain-without-patience",
    file: `${CORE}/outbound_guard.ts`,
    description: "sending waits for a drain without the drainWaitMs bound",
    patches: [{
      find:
        "return this.#lagging ? Promise.resolve() : Promise.race([wait.drained, wait.patience]);",
      replace: "return wait.drained;",
    }],
  },
  {
    id: "cap-doubled",
    file: `${CORE}/outbound_guard.ts`,
    description: "the hard cap lets twice maxBufferedBytes be queued",
    patches: [{
      find: "most > this.#limits.maxBufferedBytes",
      replace: "most > 2 * this.#limits.maxBufferedBytes",
    }],
  },
  {
    id: "cancelled-timer-fires",
    file: `${CORE}/scheduler.ts`,
    description: "a cancelled job stays queued and still fires",
    patches: [
      { find: "    job.cancelled = true;\n    const position", replace: "    const position" },
      { find: "    if (position >= 0) this.#queue.splice(position, 1);\n", replace: "" },
    ],
  },
  {
    id: "same-time-reversed",
    file: `${CORE}/scheduler.ts`,
    description: "jobs due at the same time run in reverse order of queueing",
    patches: [{
      find: "other.sequence < job.sequence",
      replace: "other.sequence > job.sequence",
    }],
  },
  {
    id: "replaced-job-kept",
    file: `${CORE}/scheduler.ts`,
    description: "adding a job under a live id does not replace the old one",
    patches: [{ find: "    if (job.id !== undefined) this.cancel(job.id);\n", replace: "" }],
  },
  {
    id: "after-ms-as-absolute",
    file: `${CORE}/internal_commands.ts`,
    description: "after_ms is taken as an absolute time",
    patches: [{
      find: 'at: "at" in when ? when.at : scheduler.now() + when.afterMs,',
      replace: 'at: "at" in when ? when.at : when.afterMs,',
    }],
  },
  {
    id: "periodic-first-at-once",
    file: `${CORE}/internal.ts`,
    description: "a periodic command without after_ms first runs at once, not one period on",
    patches: [{
      find: "afterMs === undefined ? period! :",
      replace: "afterMs === undefined ? 0 :",
    }],
  },
  {
    id: "internal-batch-repeated",
    file: `${CORE}/internal_commands.ts`,
    description: "each internal command of a delivery runs the whole delivery again",
    patches: [{
      find: "await this.#handle([command])",
      replace: "await this.#handle(commands)",
    }],
  },
  {
    id: "zero-byte-kept",
    file: `${PARSER}/json_parser.ts`,
    description: "a message split across reads keeps its zero byte",
    patches: [{
      find: "this.#tail.append(bytes.subarray(0, zero));",
      replace: "this.#tail.append(bytes.subarray(0, zero + 1));",
    }],
  },
  {
    id: "size-limit-inclusive",
    file: `${PARSER}/json_parser.ts`,
    description: "a message of exactly maxMessageBytes is refused as too large",
    patches: [{
      find: "return messageBytes > this.maxMessageBytes;",
      replace: "return messageBytes >= this.maxMessageBytes;",
    }],
  },
  {
    id: "pending-since-kept",
    file: `${PARSER}/json_parser.ts`,
    description: "a completed split message leaves its start time behind",
    patches: [{
      find: "      this.#tail.clear();\n      this.#pendingSince = undefined;\n",
      replace: "      this.#tail.clear();\n",
    }],
  },
  {
    id: "run-lost-before-fatal",
    file: `${PARSER}/json_parser.ts`,
    description: "whole messages before a too-large one in the same read are lost",
    patches: [{
      find: "          if (start > from) this.#decodeRun(bytes, from, start - 1, out);\n",
      replace: "",
    }],
  },
  {
    id: "empty-batch-accepted",
    file: `${PARSER}/json_parser.ts`,
    description: "an empty batch is taken as a message with no commands",
    patches: [{
      find: "    if (commands.length === 0) return badMessage(EMPTY_BATCH);\n",
      replace: "",
    }],
  },
  {
    id: "depth-off-by-one",
    file: `${PARSER}/value_check.ts`,
    description: "a command nested exactly maxDepth deep is refused",
    patches: [{ find: "if (depth > walk.maxDepth)", replace: "if (depth >= walk.maxDepth)" }],
  },
];
