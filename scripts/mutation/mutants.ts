/**
 * The main set of mutants of `src/core` and `src/parser`: realistic bugs, each a precise
 * textual patch, that the simulator alone must catch.
 *
 * @module
 */
import type { Mutant } from "./mutant.ts";
import { LIMIT_AND_PARSER_MUTANTS } from "./mutants_limits.ts";
import { EDGE_MUTANTS } from "./mutants_edges.ts";
import { ENTRANCE_MUTANTS } from "./mutants_entrance.ts";

const CORE = "src/core";

/** The main set: the send path, the application and the server here, the rest beside it. */
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
      find:
        "    for (const index of indexes) {\n      const connection = recipients.connectionOf(index);",
      replace: "    for (const index of indexes.slice(0, Math.max(1, indexes.length - 1))) {\n" +
        "      const connection = recipients.connectionOf(index);",
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
      find: "result.push(...answer);",
      replace: "result.unshift(...answer);",
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
      find: "return { drained: this.#held.send(await this.#internal.resolve(result), held) };",
      replace:
        "return { drained: await this.#held.send(await this.#internal.resolve(result), held) };",
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
  ...EDGE_MUTANTS,
  ...ENTRANCE_MUTANTS,
  ...LIMIT_AND_PARSER_MUTANTS,
];
