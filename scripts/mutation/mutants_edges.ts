/**
 * Main-set mutants written with the edge stories (held answers, the high-water mark, Flash
 * policy answers, the server's own disconnects, the resume rate, sizes of split messages,
 * times on the clock, internal depth, U+FFFD): each is caught by the invariant or the story
 * written for it, so they count as tuned against.
 *
 * @module
 */
import type { Mutant } from "./mutant.ts";

const CORE = "src/core";

/** Mutants of what the edge stories reach. */
export const EDGE_MUTANTS: readonly Mutant[] = [
  // Held answers (a save held until durable): reached since the simulator passes `hold` on.
  {
    id: "held-order-skipped",
    file: `${CORE}/deliver.ts`,
    description:
      "a turn without held answers is written at once, even to a connection whose held answer is pending",
    patches: [{
      find: "if (answers.length === 0 && this.#pending.size === 0) return this.write(result);",
      replace: "if (answers.length === 0) return this.write(result);",
    }],
  },
  {
    id: "held-dropped-at-shutdown",
    file: `${CORE}/server.ts`,
    description: "the shutdown does not wait for held answers: they are lost",
    patches: [{ find: "    await this.#held.flushed;\n", replace: "" }],
  },
  {
    id: "mark-ignored",
    file: `${CORE}/outbound_guard.ts`,
    description: "a reader over the high-water mark is not lagging: its senders wait for it",
    patches: [{
      find: "      most > this.#limits.highWaterMarkBytes &&",
      replace: "      most > this.#limits.maxBufferedBytes &&",
    }],
  },
  {
    id: "disconnect-holds",
    file: `${CORE}/server.ts`,
    description: "a connection the server disconnects is held for a resume, not gone",
    patches: [{
      find: 'if (entry) return this.#disconnect(entry, reason, { ending: "gone" });',
      replace: "if (entry) return this.#disconnect(entry, reason);",
    }],
  },
  {
    id: "disconnect-skips-held",
    file: `${CORE}/server.ts`,
    description: "disconnecting a held identity does nothing: it stays held until its hold ends",
    patches: [{
      find: "return this.#sessions?.end(index) ?? Promise.resolve();",
      replace: "return Promise.resolve();",
    }],
  },
  {
    id: "policy-keeps-open",
    file: `${CORE}/server.ts`,
    description: "after answering a Flash policy request the connection stays open",
    patches: [{
      find: '    await this.#disconnect(entry, "policy answered", { ending: "gone", error });',
      replace: "    void error;",
    }],
  },
  {
    id: "policy-unframed",
    file: `${CORE}/flash_policy.ts`,
    description: "the Flash policy is written without its zero byte",
    patches: [{
      find: String.raw`new TextEncoder().encode(policy + "\0")`,
      replace: "new TextEncoder().encode(policy)",
    }],
  },
  {
    id: "resume-rate-ignored",
    file: `${CORE}/sessions.ts`,
    description: "resumes are not limited in rate: tokens can be guessed at any speed",
    patches: [{
      find:
        "    if (this.#bucket && this.#bucket.take(1, this.#clock.now()) === 0) return undefined;\n",
      replace: "",
    }],
  },
  {
    id: "size-ignores-tail",
    file: "src/parser/json_parser.ts",
    description: "the size limit counts only this read's part of a message, not what is held",
    patches: [{
      find: "if (this.#tooLarge(this.#tail.length + end)) {",
      replace: "if (this.#tooLarge(end)) {",
    }],
  },
  {
    id: "at-as-delay",
    file: `${CORE}/internal_commands.ts`,
    description: "a timed command's `at` is taken as a delay from now, not a time on the clock",
    patches: [{
      find: 'at: "at" in when ? when.at : scheduler.now() + when.afterMs,',
      replace: 'at: "at" in when ? scheduler.now() + when.at : scheduler.now() + when.afterMs,',
    }],
  },
  {
    id: "internal-depth-short",
    file: `${CORE}/internal_commands.ts`,
    description: "internal commands are refused one level before the allowed depth",
    patches: [{
      find: "if (depth >= this.#options.maxDepth) {",
      replace: "if (depth + 1 >= this.#options.maxDepth) {",
    }],
  },
  {
    id: "replacement-char-refused",
    file: "src/parser/json_parser.ts",
    description: "a message that holds U+FFFD (sent as such) is refused as not UTF-8",
    patches: [{
      find: '    let text = lenientUtf8.decode(frame);\n    if (text.includes("\\uFFFD")) {',
      replace:
        '    let text = lenientUtf8.decode(frame);\n    if (text.includes("\\uFFFD")) return badMessage("message is not valid UTF-8");\n    if (text.includes("\\uFFFD")) {',
    }],
  },
];
