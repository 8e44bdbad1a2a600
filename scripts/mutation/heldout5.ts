/**
 * The fifth held-out set: written from the core, the parser and two files of the connection
 * layer alone, without reading the simulator's invariants, scenarios or engine, and never run
 * on the simulator by its author. Each one changes what a client or the game sees; how each
 * was shown (the patch applied by hand, then reverted) is noted above it. 11 fail a unit test
 * (timed_commands, sessions, session_takeover, limits, json_parser, json_parser_limits,
 * slab_encoder, websocket_socket); the other 9 were each shown by a throwaway probe (not
 * committed) whose assertion passes unpatched and fails patched: the server with a
 * ManualClock and an in-memory connection (a message completed in time still closed as not
 * completed, a failed save never answered, a broadcast overtaking a held answer, an unknown
 * identity resumed, a keyed leave closing the player, a reset identity not held, an empty
 * message corrupting the next), the Application's hooks (a throwing onDisconnect skipping
 * the next controller's), and a WebSocket in stream mode (an oversized message split over
 * two frames let through instead of closed with 1009).
 *
 * @module
 */
import type { Mutant } from "./mutant.ts";

const CORE = "src/core";
const PARSER = "src/parser";
const TRANSPORT = "src/transport";

/** The fifth held-out set. */
export const HELD_OUT_5: readonly Mutant[] = [
  // Shown: probe: partialMessageTimeoutMs 1000; '{"code":"a"' at 0, '}\0' at 100, then
  // 5 s later the client has been told "message not completed in time" and closed.
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
  // Shown: probe: a message [get, save]: save answers nothing and holds a save that fails;
  // the client gets the answer to get and never the error of save.
  {
    id: "h5-failed-silent-hold-lost",
    file: `${CORE}/deliver.ts`,
    description: "a held answer that fails is replaced by its error only where its command " +
      "answered something: a command that answered nothing, in a message whose other " +
      "commands did, never hears that its save failed",
    patches: [{ find: "    if (failed.length === 0) appended.push(...instead);\n", replace: "" }],
  },
  // Shown: probe: 1's save is held; 2's move goes to [1, 2]; 1 gets the move at once, before
  // its saved.
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
  // Shown: tests/timed_commands.test.ts, "a periodic command runs every period until cancelled".
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
  // Shown: probe: A connects and sends nothing; B resumes with A's token and is answered
  // success instead of cannot resume.
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
  // Shown: tests/sessions.test.ts, "resume outside the hold: ...".
  {
    id: "h5-expired-hold-resumable",
    file: `${CORE}/sessions.ts`,
    description: "a hold that runs out tells the game the identity is gone but keeps its " +
      "token: it can still be resumed after its onDisconnect",
    patches: [{ find: "      this.release(index);\n      expire();", replace: "      expire();" }],
  },
  // Shown: tests/sessions.test.ts, "leave during the hold: ..." and "shutdown during the
  // hold: ...".
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
  // Shown: tests/sessions.test.ts, "resume inside the hold: ..." (connections.indexes()).
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
  // Shown: probe: with holdMs, {"code":"leave","key":"room"} is answered leave success
  // and the connection closed; the game never gets the command.
  {
    id: "h5-keyed-leave-ends-session",
    file: `${CORE}/session_layer.ts`,
    description: "a leave with a key (the game's: leaving a room) is taken for the " +
      "player leaving the server: the connection is closed and the identity ended",
    patches: [{
      find: 'return screenedVerb(command) === "leave" && !Object.hasOwn(command, "key");',
      replace: 'return screenedVerb(command) === "leave";',
    }],
  },
  // Shown: tests/sessions.test.ts, "resume outside the hold: ..."; tests/session_takeover.test.ts,
  // "double resume: ...".
  {
    id: "h5-failed-resume-answered-twice",
    file: `${CORE}/session_layer.ts`,
    description: "a failed resume stays among the commands to handle: it is answered " +
      "cannot resume twice",
    patches: [{
      find: "        rest = commands.slice(1);\n" +
        "        if (await this.#resume(entry, first.token)) return this.handle(entry, rest);",
      replace: "        if (await this.#resume(entry, first.token)) " +
        "return this.handle(entry, commands.slice(1));",
    }],
  },
  // Shown: tests/limits.test.ts, "commands over the rate get one error per read, ...".
  {
    id: "h5-batch-counts-once",
    file: `${CORE}/server.ts`,
    description: "the rate counts messages, not commands: one message of many commands " +
      "runs them all, past the burst",
    patches: [{ find: "const count = commands?.length ?? 1;", replace: "const count = 1;" }],
  },
  // Shown: probe: with holdMs, a known connection's error event runs onDisconnect, not
  // onHold, and a resume with its token is answered cannot resume.
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
  // Shown: probe: controllers a (onDisconnect throws) and b; app.onDisconnect(3) runs no b.
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
  // Shown: probe: a client sends "\0" then {"code":"ping"}: it is answered one not-JSON error
  // (the ping's) instead of the empty message's error and the ping.
  {
    id: "h5-empty-message-into-tail",
    file: `${PARSER}/json_parser.ts`,
    description: "a read whose last zero byte is its first byte to decode is taken for one " +
      "with no whole message: an empty message is not answered, and its zero byte is held " +
      "as the start of the next message, which then fails",
    patches: [{ find: "    if (last >= start) {", replace: "    if (last > start) {" }],
  },
  // Shown: tests/json_parser.test.ts, "invalid UTF-8 is an error for that message alone" and
  // "invalid UTF-8 among whole messages of one read fails that message alone".
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
  // Shown: tests/json_parser.test.ts, "numbers JSON.parse turns into Infinity are refused";
  // tests/json_parser_limits.test.ts, "integer literals past 2^53 are refused; ...".
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
  // Shown: tests/json_parser_limits.test.ts, "digits inside strings and keys are never read as
  // numbers".
  {
    id: "h5-naive-string-literal",
    file: `${PARSER}/value_check.ts`,
    description: "strings are matched up to the next quote, escaped or not: digits after " +
      'an escaped quote are read as a number, and a message with "\\"1e-999" in a string ' +
      "is refused",
    patches: [{ find: String.raw`/"(?:[^"\\]|\\.)*"|`, replace: String.raw`/"[^"]*"|` }],
  },
  // Shown: tests/slab_encoder.test.ts, "earlier frames keep their bytes while later ones fill
  // and replace the slab".
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
  // Shown: tests/websocket_socket.test.ts, "an idle connection is pinged; one that stays silent
  // after the ping is reset".
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
  // Shown: probe: a WebSocket in stream mode, maxMessageBytes 8: 7 bytes of a message in one
  // binary frame, its last 5 in the next; it reaches the layer instead of a 1009 close.
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
