/**
 * The main set of mutants of `src/core` and `src/parser`: realistic bugs, each a precise
 * textual patch, that the simulator alone must catch.
 *
 * @module
 */
import type { Mutant } from "./mutant.ts";

const CORE = "src/core";
const PARSER = "src/parser";

/** The main set. */
export const MUTANTS: readonly Mutant[] = [
  {
    id: "sequential-drain",
    file: `${CORE}/deliver.ts`,
    description: "drains are awaited one after another",
    patches: [{
      find: "  const drains = [...unsent].map(([index, connection]) =>\n" +
        "    connection.drain().catch((error) => recipients.fail(index, error))\n" +
        "  );\n  return Promise.all(drains).then(() => {});",
      replace: "  const all = unsent;\n  return (async () => {\n" +
        "    for (const [index, connection] of all) {\n" +
        "      await connection.drain().catch((error) => recipients.fail(index, error));\n" +
        "    }\n  })();",
    }],
  },
  {
    id: "reply-to-neighbour",
    file: `${CORE}/deliver.ts`,
    description: "a reply meant for one index is written to the next live one",
    patches: [{
      find: "const connection = recipients.connectionOf(index);",
      replace: "const connection = (indexes.length === 1 ? recipients.connectionOf(index + 1) : " +
        "undefined) ?? recipients.connectionOf(index);",
    }],
  },
  {
    id: "drop-last-recipient",
    file: `${CORE}/deliver.ts`,
    description: "the last recipient of a delivery to several is dropped",
    patches: [{
      find: "for (const index of indexes) {",
      replace: "for (const index of indexes.slice(0, Math.max(1, indexes.length - 1))) {",
    }],
  },
  {
    id: "duplicate-reply",
    file: `${CORE}/deliver.ts`,
    description: "a delivery to one recipient is written twice",
    patches: [{
      find: "        connection.write(bytes);\n",
      replace:
        "        connection.write(bytes);\n        if (indexes.length === 1 && commands.length > 1) " +
        "connection.write(bytes);\n",
    }],
  },
  {
    id: "batch-stops-at-failure",
    file: `${CORE}/application.ts`,
    description: "a failing command stops the rest of its batch",
    patches: [{
      find: "result.push(...this.#errorReply(index, command, error));",
      replace: "result.push(...this.#errorReply(index, command, error));\n        break;",
    }],
  },
  {
    id: "error-without-key",
    file: `${CORE}/application.ts`,
    description: "an error reply forgets the command's key",
    patches: [{ find: '["code", "command", "key"]', replace: '["code", "command"]' }],
  },
  {
    id: "wrong-error-message",
    file: `${CORE}/application.ts`,
    description: "a CommandError's message is replaced by a generic one",
    patches: [{
      find: "errorFor(command, error.message)",
      replace: 'errorFor(command, "command failed")',
    }],
  },
  {
    id: "batch-replies-reversed",
    file: `${CORE}/application.ts`,
    description: "the replies of a batch come out in reverse order",
    patches: [{
      find: "result.push(...await controller.handleCommand(command, this.#context(index)));",
      replace: "result.unshift(...await controller.handleCommand(command, this.#context(index)));",
    }],
  },
  {
    id: "hooks-per-key",
    file: `${CORE}/application.ts`,
    description: "a controller under several keys gets its hooks once per key",
    patches: [{
      find: "    const all = new Set<Controller<S>>();\n" +
        "    if (this.#defaultController) all.add(this.#defaultController);\n" +
        "    for (const controller of this.#controllers.values()) all.add(controller);\n" +
        "    return all;",
      replace: "    const all: Controller<S>[] = [];\n" +
        "    if (this.#defaultController) all.push(this.#defaultController);\n" +
        "    for (const controller of this.#controllers.values()) all.push(controller);\n" +
        "    return all;",
    }],
  },
  {
    id: "refusal-count-off-by-one",
    file: `${CORE}/server.ts`,
    description: "the rate refusal's count starts at one",
    patches: [{
      find: "refused ??= { count: 0, first: commands?.[allowed] };",
      replace: "refused ??= { count: 1, first: commands?.[allowed] };",
    }],
  },
  {
    id: "refusal-names-first-command",
    file: `${CORE}/server.ts`,
    description: "the rate refusal names the message's first command, not the first refused",
    patches: [{
      find: "first: commands?.[allowed] }",
      replace: "first: commands?.[0] }",
    }],
  },
  {
    id: "bad-message-unanswered",
    file: `${CORE}/server.ts`,
    description: "a bad message within the rate gets no error",
    patches: [{ find: "if (allowed > 0 || fatal) await", replace: "if (fatal) await" }],
  },
  {
    id: "full-one-early",
    file: `${CORE}/server.ts`,
    description: "the server refuses connections one before it is full",
    patches: [{
      find: "this.#registry.size >= this.#limits.maxConnections",
      replace: "this.#registry.size + 1 >= this.#limits.maxConnections",
    }],
  },
  {
    id: "read-goes-on-after-leaving",
    file: `${CORE}/server.ts`,
    description: "the rest of a read is handled after the connection started leaving",
    patches: [{
      find: "    for (const message of decoder.decode(bytes, this.#clock.now())) {\n" +
        "      if (entry.leaving || !this.#accepting) return;\n",
      replace: "    for (const message of decoder.decode(bytes, this.#clock.now())) {\n",
    }],
  },
  {
    id: "too-many-bad-untold",
    file: `${CORE}/server.ts`,
    description: "a client cut for too many bad messages is not told why",
    patches: [{
      find: '        await this.runTurn(() => [[to, [{ error: "too many bad messages" }]]]);\n',
      replace: "",
    }],
  },
  {
    id: "read-not-heard",
    file: `${CORE}/server.ts`,
    description: "a read does not count as hearing from the client (idle timer not reset)",
    patches: [{ find: "    policy.heard();\n", replace: "" }],
  },
  {
    id: "shutdown-keeps-timers",
    file: `${CORE}/server.ts`,
    description: "shutdown leaves timed commands armed",
    patches: [{ find: "    this.#internal.clear();\n", replace: "" }],
  },
  {
    id: "disconnect-twice",
    file: `${CORE}/server.ts`,
    description: "a second disconnect of the same connection runs its hook again",
    patches: [{ find: "    if (entry.leaving) return entry.leaving;\n", replace: "" }],
  },
  {
    id: "drain-inside-turn",
    file: `${CORE}/server.ts`,
    description: "each turn awaits its recipients' drains before the next turn",
    patches: [{
      find:
        "drained: this.#deliver(await this.#internal.resolve(await produce()), this.#recipients),",
      replace: "drained: await this.#deliver(await this.#internal.resolve(await produce()), " +
        "this.#recipients),",
    }],
  },
  {
    id: "refused-not-told",
    file: `${CORE}/server.ts`,
    description: "a refused connection is closed without being told why",
    patches: [{
      find: "    tryWrite(connection, this.parser.serialize([{ error: reason }]));\n",
      replace: "",
    }],
  },
  {
    id: "notice-not-written",
    file: `${CORE}/server.ts`,
    description: "a client cut for idling is not told why",
    patches: [{
      find: "if (notice) tryWrite(entry.policy.outbound, this.parser.serialize([notice]));",
      replace: "void notice;",
    }],
  },
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
      find: "this.#tail.append(bytes.subarray(start, zero));",
      replace: "this.#tail.append(bytes.subarray(start, zero + 1));",
    }],
  },
  {
    id: "size-limit-inclusive",
    file: `${PARSER}/json_parser.ts`,
    description: "a message of exactly maxMessageBytes is refused as too large",
    patches: [{
      find: "if (this.#tail.length + end - start > this.maxMessageBytes)",
      replace: "if (this.#tail.length + end - start >= this.maxMessageBytes)",
    }],
  },
  {
    id: "pending-since-kept",
    file: `${PARSER}/json_parser.ts`,
    description: "a completed split message leaves its start time behind",
    patches: [{
      find: "        this.#tail.clear();\n        this.#pendingSince = undefined;\n",
      replace: "        this.#tail.clear();\n",
    }],
  },
  {
    id: "run-lost-before-fatal",
    file: `${PARSER}/json_parser.ts`,
    description: "whole messages before a too-large one in the same read are lost",
    patches: [{
      find: "        this.#decodeRun(bytes, runFrom, runTo, out);\n        out.push(this.#fail());",
      replace: "        out.push(this.#fail());",
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
