/**
 * The fifth held-out set: written from the core, the parser and two files of the connection
 * layer alone, without reading the simulator's invariants, scenarios or engine, and never run
 * on the simulator by its author. Each one changes what a client or the game sees; how each
 * was shown (the patch applied by hand, then reverted) is noted above it: a unit test of
 * tests/ that fails with it, or a throwaway probe (the server or the unit with a
 * ManualClock, not committed) whose assertion fails with it and passes without.
 *
 * @module
 */
import type { Mutant } from "./mutant.ts";

const CORE = "src/core";
const PARSER = "src/parser";
const TRANSPORT = "src/transport";

/** The fifth held-out set. */
export const HELD_OUT_5: readonly Mutant[] = [
  {
    id: "h5-partial-done-still-timed",
    file: `${CORE}/connection_policy.ts`,
    description: "the time a held message began is only noted while a message is held: a " +
      "message completed in time still closes its sender as not completed in time",
    patches: [{
      find: "    this.#pendingSince = since;\n" +
        "    const timeout = this.#limits.partialMessageTimeoutMs;\n" +
        "    if (since === undefined || timeout === 0 || this.#cancelPartial) return;\n",
      replace: "    const timeout = this.#limits.partialMessageTimeoutMs;\n" +
        "    if (since === undefined || timeout === 0 || this.#cancelPartial) return;\n" +
        "    this.#pendingSince = since;\n",
    }],
  },
  {
    id: "h5-failed-silent-hold-lost",
    file: `${CORE}/deliver.ts`,
    description: "a held answer that fails is replaced by its error only where the command " +
      "answered something: a command that answered nothing never hears its save failed",
    patches: [{ find: "    if (failed.length === 0) appended.push(...instead);\n", replace: "" }],
  },
  {
    id: "h5-split-every-not-some",
    file: `${CORE}/deliver.ts`,
    description: "a delivery goes out at once unless every recipient has a held write: a " +
      "recipient with one gets it before the held answer that came first",
    patches: [{
      find:
        "if (!indexes.some((index) => this.#pending.has(index))) return void now.push(delivery);",
      replace:
        "if (!indexes.every((index) => this.#pending.has(index))) return void now.push(delivery);",
    }],
  },
  {
    id: "h5-periodic-named-once",
    file: `${CORE}/internal_commands.ts`,
    description: "a named timer's id is forgotten when it fires, periodic or not: a named " +
      "periodic timer runs once, and its later firings are taken for cancelled ones",
    patches: [{
      find: "    if (periodMs === undefined) this.#firedUnder.delete(id);\n",
      replace: "    this.#firedUnder.delete(id);\n",
    }],
  },
  {
    id: "h5-resume-unknown-identity",
    file: `${CORE}/sessions.ts`,
    description: "any issued token resumes, also that of a connection the game never heard " +
      "of (its onConnect never ran)",
    patches: [{
      find: "if (index === undefined || !identity?.known) return undefined;",
      replace: "if (index === undefined || !identity) return undefined;",
    }],
  },
  {
    id: "h5-expired-hold-resumable",
    file: `${CORE}/sessions.ts`,
    description: "a hold that runs out tells the game the identity is gone but keeps its " +
      "token: it can still be resumed after its onDisconnect",
    patches: [{ find: "      this.release(index);\n      expire();", replace: "      expire();" }],
  },
  {
    id: "h5-end-keeps-hold",
    file: `${CORE}/session_layer.ts`,
    description: "the server ending a held identity runs its onDisconnect but leaves the " +
      "hold armed: onDisconnect runs again when it runs out, and the token still resumes",
    patches: [{
      find: "    book.release(index);\n" +
        "    return this.host.runTurn(() => application.onDisconnect(index));",
      replace: "    return this.host.runTurn(() => application.onDisconnect(index));",
    }],
  },
  {
    id: "h5-takeover-keeps-old-index",
    file: `${CORE}/session_layer.ts`,
    description: "a resumed connection stays registered under the index it was given too: " +
      "it counts twice against maxConnections and its old index is never freed",
    patches: [{
      find: "    book.release(entry.index);\n    registry.delete(entry.index);\n",
      replace: "    book.release(entry.index);\n",
    }],
  },
  {
    id: "h5-keyed-leave-ends-session",
    file: `${CORE}/session_layer.ts`,
    description: "a leave with a key (the game's: leaving a room) is taken for the " +
      "player leaving the server: the connection is closed and the identity ended",
    patches: [{
      find: 'return verbOf(command) === "leave" && !Object.hasOwn(command, "key");',
      replace: 'return verbOf(command) === "leave";',
    }],
  },
  {
    id: "h5-failed-resume-answered-twice",
    file: `${CORE}/session_layer.ts`,
    description: "a failed resume stays among the commands to handle: it is answered " +
      "cannot resume twice",
    patches: [{
      find: "        rest = commands.slice(1);\n" +
        "        if (await this.#resume(entry, first.token)) return this.handle(entry, rest);",
      replace:
        "        if (await this.#resume(entry, first.token)) return this.handle(entry, commands.slice(1));",
    }],
  },
  {
    id: "h5-batch-counts-once",
    file: `${CORE}/server.ts`,
    description: "the rate counts messages, not commands: one message of many commands " +
      "runs them all, past the burst",
    patches: [{ find: "const count = commands?.length ?? 1;", replace: "const count = 1;" }],
  },
  {
    id: "h5-error-ends-identity",
    file: `${CORE}/server.ts`,
    description: "a transport error (a reset) ends the identity at once instead of holding " +
      "it: a player whose connection was reset cannot resume",
    patches: [{
      find: '          return server.#disconnect(entry, "error", { error });',
      replace: '          return server.#disconnect(entry, "error", { error, ending: "gone" });',
    }],
  },
  {
    id: "h5-hook-throw-stops-rest",
    file: `${CORE}/application.ts`,
    description: "a controller whose hook throws stops the hooks of the controllers after " +
      "it: their onDisconnect never runs",
    patches: [{
      find: "    for (const controller of this.#distinctControllers()) {\n" +
        "      try {\n" +
        "        result.push(...await controller[hook]?.(this.#context(index)) ?? []);\n" +
        "      } catch (error) {\n" +
        "        this.#logger.error(`${hook} failed`, { index, reason: describe(error) });\n" +
        "      }\n" +
        "    }\n",
      replace: "    try {\n" +
        "      for (const controller of this.#distinctControllers()) {\n" +
        "        result.push(...await controller[hook]?.(this.#context(index)) ?? []);\n" +
        "      }\n" +
        "    } catch (error) {\n" +
        "      this.#logger.error(`${hook} failed`, { index, reason: describe(error) });\n" +
        "    }\n",
    }],
  },
  {
    id: "h5-empty-message-into-tail",
    file: `${PARSER}/json_parser.ts`,
    description: "a read whose last zero byte is its first byte to decode is taken for one " +
      "with no whole message: an empty message is not answered, and its zero byte is held " +
      "as the start of the next message, which then fails",
    patches: [{ find: "    if (last >= start) {", replace: "    if (last > start) {" }],
  },
  {
    id: "h5-split-invalid-utf8-accepted",
    file: `${PARSER}/json_parser.ts`,
    description: "a message decoded on its own (held over several reads, or singled out " +
      "in a read with invalid UTF-8) is checked again with the lenient decoder: its invalid " +
      "UTF-8 is taken as U+FFFD",
    patches: [{
      find: "text = strictUtf8.decode(frame);",
      replace: "text = lenientUtf8.decode(frame);",
    }],
  },
  {
    id: "h5-negative-overflow-passes",
    file: `${PARSER}/value_check.ts`,
    description: "the fast test of a number has no lower bound: -1e999 passes as -Infinity " +
      "(echoed as null), and a negative integer beyond -2^53 is never checked",
    patches: [{
      find:
        "member !== 0 && member <= Number.MAX_SAFE_INTEGER && member >= -Number.MAX_SAFE_INTEGER",
      replace: "member !== 0 && member <= Number.MAX_SAFE_INTEGER",
    }],
  },
  {
    id: "h5-naive-string-literal",
    file: `${PARSER}/value_check.ts`,
    description: "strings are matched up to the next quote, escaped or not: digits after " +
      'an escaped quote are read as a number, and a message with "\\"1e-999" in a string ' +
      "is refused",
    patches: [{ find: String.raw`/"(?:[^"\\]|\\.)*"|`, replace: String.raw`/"[^"]*"|` }],
  },
  {
    id: "h5-utf16-length-as-bytes",
    file: `${PARSER}/slab_encoder.ts`,
    description: "a text's UTF-16 length is taken for its UTF-8 size: a non-ASCII message " +
      "near the end of a slab is cut short, without its zero byte",
    patches: [{
      find: "const most = text.length * 3 + 1;",
      replace: "const most = text.length + 1;",
    }],
  },
  {
    id: "h5-pong-keeps-pinged",
    file: `${TRANSPORT}/keep_alive.ts`,
    description: "hearing from a pinged peer does not clear its ping: a peer that answers " +
      "every ping is given up the next time it is quiet for an interval",
    patches: [{
      find: "        peer.heard = peer.pinged = false;",
      replace: "        peer.heard = false;",
    }],
  },
  {
    id: "h5-stream-limit-forgets-carry",
    file: `${TRANSPORT}/zero_framing.ts`,
    description: "a message's length is checked at its zero byte without the bytes of it " +
      "that came in earlier reads: an oversized message split across reads passes",
    patches: [{
      find: "if (this.#length + zero - start > this.maxMessageBytes) return false;",
      replace: "if (zero - start > this.maxMessageBytes) return false;",
    }],
  },
];
