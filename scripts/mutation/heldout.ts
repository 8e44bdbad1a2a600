/**
 * The held-out mutants: written before the invariants were tuned against the main set, and
 * never tuned against. Their score is reported apart.
 *
 * @module
 */
import type { Mutant } from "./mutant.ts";

const CORE = "src/core";
const PARSER = "src/parser";

/** The held-out set. */
export const HELD_OUT: readonly Mutant[] = [
  {
    id: "h-drain-first-only",
    file: `${CORE}/deliver.ts`,
    description: "only the first recipient with unsent bytes is waited for",
    patches: [{
      find: "if (connection.bufferedBytes > 0) (unsent ??= new Map())",
      replace: "if (connection.bufferedBytes > 0 && unsent === undefined) (unsent ??= new Map())",
    }],
  },
  {
    id: "h-command-error-as-internal",
    file: `${CORE}/application.ts`,
    description: "a CommandError is answered as an internal error",
    patches: [{ find: "error instanceof CommandError", replace: "error instanceof TypeError" }],
  },
  {
    id: "h-refused-counts-messages",
    file: `${CORE}/server.ts`,
    description: "the rate refusal counts refused messages, not commands",
    patches: [{ find: "refused.count += count - allowed;", replace: "refused.count += 1;" }],
  },
  {
    id: "h-heard-not-noted",
    file: `${CORE}/connection_policy.ts`,
    description: "hearing from a client does not restart its idle time",
    patches: [{
      find: "  heard(): void {\n    this.#lastHeard = this.#clock.now();",
      replace: "  heard(): void {\n    void this.#clock.now();",
    }],
  },
  {
    id: "h-periodic-drift",
    file: `${CORE}/scheduler.ts`,
    description: "a periodic job's next run counts from when it ran, not when it was due",
    patches: [{ find: "job.at += job.periodMs;", replace: "job.at = now + job.periodMs;" }],
  },
  {
    id: "h-skip-after-zero",
    file: `${PARSER}/json_parser.ts`,
    description: "the decoder skips one byte past each zero byte",
    patches: [{ find: "start = zero + 1;\n    }", replace: "start = zero + 2;\n    }" }],
  },
  {
    id: "h-tail-copy-short",
    file: `${PARSER}/tail_buffer.ts`,
    description: "growing the tail buffer copies one byte too few",
    patches: [{
      find: "grown.set(this.#bytes.subarray(0, this.#length));",
      replace: "grown.set(this.#bytes.subarray(0, Math.max(0, this.#length - 1)));",
    }],
  },
  {
    id: "h-cap-inclusive",
    file: `${CORE}/outbound_guard.ts`,
    description: "the hard cap refuses a write that would leave exactly maxBufferedBytes",
    patches: [{
      find: "most > this.#limits.maxBufferedBytes",
      replace: "most >= this.#limits.maxBufferedBytes",
    }],
  },
  {
    id: "h-max-connections-plus-one",
    file: `${CORE}/server.ts`,
    description: "maxConnections lets one more in",
    patches: [{
      find: "this.#registry.size >= this.#limits.maxConnections",
      replace: "this.#registry.size > this.#limits.maxConnections",
    }],
  },
  {
    id: "h-cancel-ignored",
    file: `${CORE}/internal_commands.ts`,
    description: "cancelTimer is taken but does not cancel",
    patches: [{
      find: "        scheduler.cancel(request.id);\n",
      replace: "        void request.id;\n",
    }],
  },
  {
    id: "h-shutdown-no-wait",
    file: `${CORE}/server.ts`,
    description: "shutdown disconnects without waiting for the turns already queued",
    patches: [{
      find:
        "    this.#internal.clear();\n    // Commands already taken in are handled and answered; what arrives from now on is not.\n    await this.#turn;\n",
      replace: "    this.#internal.clear();\n",
    }],
  },
  {
    id: "h-stop-not-called",
    file: `${CORE}/server.ts`,
    description: "a leaving connection's policy timers are not stopped",
    patches: [{ find: "    entry.policy.stop();\n", replace: "" }],
  },
];
