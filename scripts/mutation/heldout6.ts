/**
 * The sixth held-out set: written blind, from the core, the parser and the connection layer
 * alone, without reading the simulator, the probe, the runner or the other sets'
 * descriptions, and never run on the simulator by its author. 17 mutants of src/core and
 * src/parser, 3 of src/websocket and src/transport. Each changes what a client or the game
 * sees; how each was shown (the patch applied by hand in a worktree, the check run, the
 * patch reverted) is noted above it: 2 fail a unit test (websocket_limits,
 * websocket_utf8_close); the other 18 were each shown by a throwaway probe (not committed)
 * whose assertion passes unpatched and fails patched: the server with a ManualClock and
 * in-memory connections (held answers and who waits for them, resumes racing drops and
 * blocked turns, shutdown with held identities, timed commands, number and UTF-8 edges of
 * the parser, frames held by reference as a transport holds them), and a WebSocket socket
 * fed one read with a faulty message in the middle.
 *
 * @module
 */
import type { Mutant } from "./mutant.ts";

const CORE = "src/core";
const PARSER = "src/parser";
const WEBSOCKET = "src/websocket";
const TRANSPORT = "src/transport";

/** The sixth held-out set. */
export const HELD_OUT_6: readonly Mutant[] = [
  // Shown: probe: 1's save held, then done; 2's save held (pending); 3 sends a move to 1: 1
  // gets it at once unpatched, only after 2's save patched.
  {
    id: "h6-held-count-kept-at-zero",
    file: `${CORE}/deliver.ts`,
    description: "a connection's count of held writes is never removed when it falls to " +
      "zero: once it had a held answer, everything sent to it waits behind every later " +
      "held answer of any other connection",
    patches: [{
      find: "          if (left === 0) this.#pending.delete(index);\n" +
        "          else this.#pending.set(index, left);\n",
      replace: "          this.#pending.set(index, left);\n",
    }],
  },
  // Shown: probe: 1's save held; 2 sends a move to [1, 2]: 2 gets it at once unpatched, never
  // patched.
  {
    id: "h6-split-drops-free",
    file: `${CORE}/deliver.ts`,
    description: "a delivery split between recipients with a held write and the others " +
      "keeps only the held part: the recipients with nothing held never get it",
    patches: [{ find: "    if (free.length > 0) now.push([free, commands]);\n", replace: "" }],
  },
  // Shown: probe: 1's save answers nothing and its hold is pending; 2 sends 1 a pong; the hold
  // fails: 1 gets the save's error, then the pong, unpatched; the pong first patched.
  {
    id: "h6-silent-sender-not-waited",
    file: `${CORE}/deliver.ts`,
    description: "the sender of a held command that answered nothing is not counted as " +
      "waiting: its next replies overtake the error of its failed save",
    patches: [{
      find:
        "    for (const { sender } of answers) if (sender !== undefined) indexes.add(sender);\n",
      replace: "",
    }],
  },
  // Shown: probe (holdMs 5000): a turn blocks the chain; B resumes A's token; A is reset after
  // B's resume is queued; the block ends: unpatched identity 1 (B's now) is neither held nor
  // ended after 10 s; patched onHold and onDisconnect run for it.
  {
    id: "h6-end-after-resume-held",
    file: `${CORE}/session_layer.ts`,
    description: "a drop queued behind a resume of the same identity no longer sees that the " +
      "identity has been taken over: the live identity is held, told onHold, and ended " +
      "(onDisconnect) when the hold runs out, under its new connection",
    patches: [{ find: "      if (registry.has(index)) return [];\n", replace: "" }],
  },
  // Shown: probe: a turn blocks the chain; a new connection sends a bad resume, then is reset;
  // the block ends: unpatched onConnect never runs for it, patched it does.
  {
    id: "h6-gone-during-resume-joins",
    file: `${CORE}/session_layer.ts`,
    description: "a connection that dropped while its failed resume waited for its turn " +
      "still joins the game: onConnect runs for it, and no onDisconnect ever follows",
    patches: [{
      find: "      if (entry.leaving) return;\n      book.know(entry.index);\n",
      replace: "      book.know(entry.index);\n",
    }],
  },
  // Shown: probe: a known player sends [hi, resume]: unpatched answered cannot resume and still
  // connected; patched answered a leave and closed.
  {
    id: "h6-late-resume-falls-to-leave",
    file: `${CORE}/session_layer.ts`,
    description: "a resume that is not a connection's first command is refused, then falls " +
      "through to the leave branch: the player is answered a leave and closed for good",
    patches: [{
      find: "        await this.host.runTurn(() => [[[index], [CANNOT_RESUME]]]);\n" +
        "        continue;\n",
      replace: "        await this.host.runTurn(() => [[[index], [CANNOT_RESUME]]]);\n",
    }],
  },
  // Shown: probe: B resumes A (A still connected): B's messages are session, resume, view
  // unpatched; session, view, resume patched.
  {
    id: "h6-resume-view-first",
    file: `${CORE}/session_layer.ts`,
    description: "the view onResume returns is sent before the resume's own answer: the " +
      "client gets game state before it knows its resume worked, and its new token after",
    patches: [{
      find: "      return [\n" +
        '        [[index], [{ code: "resume", success: true, token: fresh }]],\n' +
        "        ...await this.host.application.onResume?.(index) ?? [],\n" +
        "      ];\n",
      replace: "      return [\n" +
        "        ...await this.host.application.onResume?.(index) ?? [],\n" +
        '        [[index], [{ code: "resume", success: true, token: fresh }]],\n' +
        "      ];\n",
    }],
  },
  // Shown: probe: B resumes A: B gets onResume's view unpatched, onHold's answer patched.
  {
    id: "h6-on-resume-runs-on-hold",
    file: `${CORE}/application.ts`,
    description: "Application.onResume runs the controllers' onHold (a copy-paste slip): a " +
      "resumed player gets what a drop produces, never its view",
    patches: [{
      find: '    return this.#runHook(index, "onResume");\n',
      replace: '    return this.#runHook(index, "onHold");\n',
    }],
  },
  // Shown: probe: a known player drops (held); server.shutdown(): its onDisconnect runs
  // unpatched, not patched.
  {
    id: "h6-shutdown-keeps-held",
    file: `${CORE}/server.ts`,
    description: "shutting down ends the live connections but not the identities still " +
      "held: their onDisconnect never runs",
    patches: [{ find: "    await this.#sessions?.shutdown();\n", replace: "" }],
  },
  // Shown: probe: later(tick, {periodMs: 100}): nothing at once, a tick at 100 and at 200
  // unpatched; a tick at once and none after patched.
  {
    id: "h6-period-only-runs-now",
    file: `${CORE}/internal.ts`,
    description: "a command with only period_ms is not taken for a timed one: it runs at once, " +
      "once, instead of every period from one period on",
    patches: [{
      find:
        "  if (afterMs === undefined && at === undefined && periodMs === undefined) return undefined;\n",
      replace: "  if (afterMs === undefined && at === undefined) return undefined;\n",
    }],
  },
  // Shown: probe: timers a and b both due at 100, a's command cancels b: only a reaches the
  // client unpatched, a and b patched.
  {
    id: "h6-cancel-misses-fired",
    file: `${CORE}/internal_commands.ts`,
    description: "cancelling a timer only unqueues it: one that fired in the same firing as " +
      "the command that cancels it, its turn still queued, runs anyway",
    patches: [{
      find: "        scheduler.cancel(request.id);\n        this.#firedUnder.delete(request.id);\n",
      replace: "        scheduler.cancel(request.id);\n",
    }],
  },
  // Shown: probe: p every 100 from 0; at 50 o is queued for 200: the client sees p, o, p
  // unpatched, p, p, o patched.
  {
    id: "h6-period-keeps-old-place",
    file: `${CORE}/scheduler.ts`,
    description: "a periodic job put back for its next run keeps the place it was first " +
      "queued in: it runs before a job queued before its re-queueing for the same time",
    patches: [{ find: "        job.sequence = this.#sequence++;\n", replace: "" }],
  },
  // Shown: probe: one read FF 00 00: two errors (not UTF-8, not JSON) unpatched, one patched.
  {
    id: "h6-utf8-split-drops-last",
    file: `${PARSER}/json_parser.ts`,
    description: "where a read holds a message that is not UTF-8 and the messages are read " +
      "one by one, an empty last message is skipped: it is never answered as a bad message",
    patches: [{
      find: "        for (let start = 0; start <= run.length;) {\n",
      replace: "        for (let start = 0; start < run.length;) {\n",
    }],
  },
  // Shown: probe: {"n":9007199254740993} is refused (beyond 2^53) unpatched, echoed patched.
  {
    id: "h6-unsafe-int-unscanned",
    file: `${PARSER}/value_check.ts`,
    description: "the number literals are only read again for a possible underflow: an " +
      "integer past 2^53 is taken rounded, without an error",
    patches: [{
      find:
        "  if (walk.unsafe || (walk.zero && MAYBE_UNDERFLOW.some((part) => text.includes(part)))) {\n",
      replace: "  if (walk.zero && MAYBE_UNDERFLOW.some((part) => text.includes(part))) {\n",
    }],
  },
  // Shown: probe: {"v":1E-400} is refused (too close to zero) unpatched, echoed as 0 patched.
  {
    id: "h6-upper-e-underflow",
    file: `${PARSER}/value_check.ts`,
    description: "only a lower-case negative exponent is taken for a possible underflow: " +
      "1E-400 passes as 0",
    patches: [{
      find: 'const MAYBE_UNDERFLOW = ["e-", "E-", "0".repeat(300)];\n',
      replace: 'const MAYBE_UNDERFLOW = ["e-", "0".repeat(300)];\n',
    }],
  },
  // Shown: probe: {"v":1e20} is echoed unpatched, refused (beyond 2^53) patched.
  {
    id: "h6-exponent-not-exact",
    file: `${PARSER}/value_check.ts`,
    description: "a literal with an exponent past 2^53 (1e20) is refused as an integer that " +
      "cannot be kept exactly, though it is a plain double",
    patches: [{
      find:
        "    if (fraction === undefined && exponent === undefined && !Number.isSafeInteger(value)) {\n",
      replace: "    if (fraction === undefined && !Number.isSafeInteger(value)) {\n",
    }],
  },
  // Shown: probe: a command answered with two deliveries to its sender, the bytes decoded only
  // after both were written (as a transport holds them): two messages unpatched, one unparsable
  // run patched.
  {
    id: "h6-slab-zero-reused",
    file: `${PARSER}/slab_encoder.ts`,
    description: "the slab's next frame starts on the zero byte of the one before: a frame " +
      "still held for sending loses its end, and two messages reach the client as one",
    patches: [{
      find:
        "    this.#used = start + written + 1;\n    return this.#slab.subarray(start, this.#used);\n",
      replace:
        "    this.#used = start + written;\n    return this.#slab.subarray(start, this.#used + 1);\n",
    }],
  },
  // Shown: unit test: tests/websocket_limits.test.ts ("more than maxFragments frames in one
  // message is 1008, exactly that many passes") fails.
  {
    id: "h6-fragments-limit-off-by-one",
    file: `${WEBSOCKET}/frame_decoder.ts`,
    description: "a message in exactly maxFragments fragments is refused (1008) as over the " +
      "limit: the limit is one fragment lower than configured",
    patches: [{
      find: "    if (++this.#fragments > this.maxFragments) {\n",
      replace: "    if (++this.#fragments >= this.maxFragments) {\n",
    }],
  },
  // Shown: unit test: tests/websocket_utf8_close.test.ts ("the incremental UTF-8 check agrees
  // with a fatal TextDecoder, cut anywhere") fails.
  {
    id: "h6-utf8-surrogates-pass",
    file: `${WEBSOCKET}/utf8.ts`,
    description: "the incremental UTF-8 check lets ED A0-BF through: a text message holding " +
      "an encoded surrogate is taken in instead of closed with 1007",
    patches: [{
      find: "      high = byte === 0xed ? 0x9f : byte === 0xf4 ? 0x8f : 0xbf;\n",
      replace: "      high = byte === 0xf4 ? 0x8f : 0xbf;\n",
    }],
  },
  // Shown: probe: openWebSocket fed one read of text a, a text frame with a zero byte inside
  // (1007), text b: the layer hears a alone unpatched, a and b patched.
  {
    id: "h6-ws-read-past-fault",
    file: `${TRANSPORT}/websocket_socket.ts`,
    description: "a read goes on past a message that breaks the protocol: the messages after " +
      "it in the same read still reach the server and are answered before the close",
    patches: [{ find: "      if (failure) break;\n", replace: "" }],
  },
];
