/**
 * The eighth held-out set: written blind, from `src/core`, `src/parser`, the protocol document,
 * the README's limits and reconnection sections and the core's unit tests alone, without
 * reading the simulator, the probe, the runner's probe runs or the other sets (only the
 * seventh's entry format), and never run on the simulator by its author. 15 mutants of
 * src/core, 5 of src/parser. Each changes what a client or the game sees; how each was shown
 * is noted above it. Every one by a throwaway probe (not committed; the server with a
 * ManualClock and the in-memory clients of `tests/helpers`, or the parser, the guard or the
 * encoder driven directly) whose assertions pass on the unpatched tree and fail patched; each
 * mutant was also type-checked (`deno check mod.ts` on the patched tree), and the core's unit
 * tests (server_core, limits, sessions, session_takeover, timed_commands, held_answers,
 * application, json_parser, json_parser_limits, slab_encoder, rooms_protocol, rooms_limits)
 * were run patched: 11 mutants fail one of them (named above each), 9 fail none.
 *
 * @module
 */
import type { Mutant } from "./mutant.ts";

const CORE = "src/core";
const PARSER = "src/parser";

/** The eighth held-out set. */
export const HELD_OUT_8: readonly Mutant[] = [
  // Shown: probe: 10 a second, bursts of 2; two commands, then 50 ms (half a token), then one
  // more: refused with "rate limit exceeded" unpatched, run patched. No unit test fails.
  {
    id: "h8-bucket-rounds-tokens",
    file: `${CORE}/token_bucket.ts`,
    description: "the token bucket rounds the tokens it holds instead of flooring them: " +
      "half a token grants a command, the balance goes negative, and a client sending " +
      "steadily just over the rate gets more commands through than `commandsPerSecond`",
    patches: [{
      find: "    const granted = Math.min(wanted, Math.floor(this.#tokens));\n",
      replace: "    const granted = Math.min(wanted, Math.round(this.#tokens));\n",
    }],
  },
  // Shown: probe: partialMessageTimeoutMs 30 000; a message begun at 0 and completed at
  // 1 000, another completed at 29 000, a third begun at 29 000: at 30 500 the client is
  // still connected unpatched, closed with "message not completed in time" patched (and at
  // 59 100 closed in both). No unit test fails.
  {
    id: "h8-partial-deadline-of-old-message",
    file: `${CORE}/connection_policy.ts`,
    description: "the partial-message timer, when it fires, closes the connection whenever " +
      "some message is unfinished, without checking that this message is the one it was " +
      "armed for: a client that keeps streaming (one message completed, the next begun) is " +
      "cut at the deadline of a message it finished long ago",
    patches: [{
      find: "      const due = since + this.#limits.partialMessageTimeoutMs;\n" +
        "      if (due > this.#clock.now()) return this.#armPartial(due);\n",
      replace: "",
    }],
  },
  // Shown: probe: idleTimeoutMs 1 000; a message at 400; at 1 450 the client is told "idle
  // timeout" and closed unpatched, still connected patched (closed only at 2 000). No unit
  // test fails.
  {
    id: "h8-idle-rearm-from-now",
    file: `${CORE}/connection_policy.ts`,
    description: "when the idle timer finds the client was heard since it was armed, it " +
      "re-arms for a full idleTimeoutMs from now instead of from the last time it was heard: " +
      "a client that goes quiet is closed up to one idleTimeoutMs late",
    patches: [{
      find: "      if (due > this.#clock.now()) return this.#armIdle(due);\n",
      replace:
        "      if (due > this.#clock.now()) return this.#armIdle(this.#clock.now() + this.#limits.idleTimeoutMs);\n",
    }],
  },
  // Shown: unit test limits ("a connection that sends only garbage is reset after
  // maxBadMessages in a row") fails; and a probe: maxBadMessages 3, three bad messages: the
  // connection stays unpatched, is reset with "too many bad messages" patched.
  {
    id: "h8-bad-run-off-by-one",
    file: `${CORE}/connection_policy.ts`,
    description: "off by one in the bad-message limit: the maxBadMessages-th bad message in " +
      "a row already resets the connection, one earlier than the limit allows",
    patches: [{
      find: "    return most === 0 || ++this.#badInARow <= most;\n",
      replace: "    return most === 0 || ++this.#badInARow < most;\n",
    }],
  },
  // Shown: unit test limits ("bad messages count against the rate; over it they are refused
  // with the rest, unanswered") fails; and a probe: one read of three messages, the second
  // and third over the rate: one error {"code":"x","key":"first","refused":3} unpatched,
  // {"code":"y","key":"second","refused":2} patched.
  {
    id: "h8-refused-per-message",
    file: `${CORE}/server.ts`,
    description: "the tally of what one read had refused over the rate is started afresh " +
      "for each message instead of once per read: the single error for the read counts " +
      "only the last message's refused commands and names its first command, not the first " +
      "one refused",
    patches: [{
      find: "        refused ??= { count: 0, first: commands?.[allowed] };\n",
      replace: "        refused = { count: 0, first: commands?.[allowed] };\n",
    }],
  },
  // Shown: probe: a hold of 60 s, one player dropped (held) and one connected, then
  // shutdown: onDisconnect ran for both when shutdown resolves unpatched, only for the
  // connected one patched (the held one's runs only if the clock then passes its hold). No
  // unit test fails.
  {
    id: "h8-shutdown-forgets-held",
    file: `${CORE}/server.ts`,
    description: "shutdown disconnects the live connections but does not end the identities " +
      "still held for a resume: when shutdown resolves their onDisconnect has not run (a " +
      "process that then exits never runs it; one that lives on runs it only when the hold " +
      "runs out, after shutdown), though every identity must get it once by then",
    patches: [{ find: "    await this.#sessions?.shutdown();\n", replace: "" }],
  },
  // Shown: unit test sessions ("double resume..." and "resume outside the hold...") fails;
  // and a probe: a new connection's first message [{"code":"resume","token":"no-such-token"},
  // {"code":"ping"}]: the game sees only the ping unpatched, the resume command as well (and
  // answers it) patched.
  {
    id: "h8-failed-resume-reaches-game",
    file: `${CORE}/session_layer.ts`,
    description: "a resume that fails is answered `cannot resume` and then handed to the " +
      "game too, with the commands after it: the game is sent the client's token attempt as " +
      "a command of its own (and answers it, or refuses it as an unknown code)",
    patches: [{
      find: "        rest = commands.slice(1);\n" +
        "        if (await this.#resume(entry, first.token)) return this.handle(entry, rest);\n",
      replace:
        "        if (await this.#resume(entry, first.token)) return this.handle(entry, commands.slice(1));\n",
    }],
  },
  // Shown: unit test sessions ("a drop that comes while a takeover waits for its turn: the
  // resume wins, nothing is held") fails; and a probe: B's resume of A's token queued, then
  // A's end reported before that turn runs: the game sees connect, resume unpatched;
  // connect, resume, hold, and (when the hold runs out) disconnect of the identity B is
  // using patched.
  {
    id: "h8-end-after-resume-holds",
    file: `${CORE}/session_layer.ts`,
    description: "the turn that handles a dropped connection's end no longer checks whether " +
      "a resume queued before it has already taken the identity over: under that " +
      "interleaving the identity is held (onHold) while its new connection is live, and " +
      "when the hold runs out onDisconnect ends a player who is still playing",
    patches: [{ find: "      if (registry.has(index)) return [];\n", replace: "" }],
  },
  // Shown: probe: resumesPerSecond 1, resumeBurst 1; a resume with the number 12345 as
  // token, then at once one with a real held token: `cannot resume` (over the rate)
  // unpatched, resumed patched. No unit test fails.
  {
    id: "h8-resume-rate-after-type",
    file: `${CORE}/sessions.ts`,
    description: "a resume whose token is not a string is turned away before it is counted " +
      "against the server-wide resume rate: such attempts cost nothing, and the next " +
      "attempt is answered even when the rate says it must not be",
    patches: [{
      find:
        "    if (this.#bucket && this.#bucket.take(1, this.#clock.now()) === 0) return undefined;\n" +
        '    if (typeof token !== "string") return undefined;\n',
      replace: '    if (typeof token !== "string") return undefined;\n' +
        "    if (this.#bucket && this.#bucket.take(1, this.#clock.now()) === 0) return undefined;\n",
    }],
  },
  // Shown: unit test sessions ("leave during the hold..." and "shutdown during the hold...")
  // fails; and a probe: a held identity ended by server.disconnect, then the clock moved past
  // the hold: onDisconnect ran once unpatched, twice patched (the others told twice).
  {
    id: "h8-release-keeps-hold-timer",
    file: `${CORE}/sessions.ts`,
    description: "releasing an identity for good forgets it but does not cancel its hold " +
      "timer: a held identity ended early (by the server, at shutdown, by a resume and " +
      "leave) gets onDisconnect a second time when its hold would have run out",
    patches: [{
      find:
        "    this.#forgetToken(identity);\n    identity.cancelHold?.();\n    this.#byIndex.delete(index);\n",
      replace: "    this.#forgetToken(identity);\n    this.#byIndex.delete(index);\n",
    }],
  },
  // Shown: unit test timed_commands ("a periodic command runs every period until
  // cancelled") fails; and a probe: a periodic command with an id, period 100 ms, the clock
  // moved 3 x 100 ms: three ticks unpatched, one patched.
  {
    id: "h8-periodic-timer-once",
    file: `${CORE}/internal_commands.ts`,
    description: "the bookkeeping that lets a cancel stop a timer whose firing is queued " +
      "forgets a periodic timer's id at its first firing, like a one-shot's: a named " +
      "periodic command (a heartbeat, a turn clock) runs once and then never again",
    patches: [{
      find: "    if (periodMs === undefined) this.#firedUnder.delete(id);\n",
      replace: "    this.#firedUnder.delete(id);\n",
    }],
  },
  // Shown: probe: one message schedules a 30 s timer and then a 1 s one: the 1 s one runs
  // at 1 s unpatched, only at 30 s (with the other) patched. No unit test fails.
  {
    id: "h8-scheduler-keeps-later-alarm",
    file: `${CORE}/scheduler.ts`,
    description: "the scheduler keeps the clock alarm it has whenever that alarm is at or " +
      "after the next job's time (the comparison reversed): a timed command added sooner " +
      "than the ones already queued waits for the later alarm and runs late",
    patches: [{
      find: "    if (this.#armed && next && this.#armed.at === next.at) return;\n",
      replace: "    if (this.#armed && next && this.#armed.at >= next.at) return;\n",
    }],
  },
  // Shown: unit test held_answers ("that error comes before what later turns send the
  // sender, in turn order") fails; and a probe: A's save answers nothing and holds a wait
  // that then fails; meanwhile B broadcasts: A reads its error, then B's say unpatched, the
  // say first and its error after patched.
  {
    id: "h8-held-error-sender-unmarked",
    file: `${CORE}/deliver.ts`,
    description: "a held answer's sender is not marked as waiting when the command answered " +
      "nothing: what later turns send that connection goes out at once, before the error " +
      "its failed save is answered with, so the client reads replies out of turn order",
    patches: [{
      find:
        "    for (const { sender } of answers) if (sender !== undefined) indexes.add(sender);\n",
      replace: "",
    }],
  },
  // Shown: unit test limits ("a reader that does not drain within slowConsumerTimeoutMs is
  // disconnected") fails; and a probe: drainWaitMs 100, slowConsumerTimeoutMs 1 000, a
  // stalled roommate: disconnected (and onDisconnect run) at 1 000 unpatched, still
  // connected patched (cut only at 1 100).
  {
    id: "h8-slow-consumer-from-patience",
    file: `${CORE}/outbound_guard.ts`,
    description: "the slow-consumer deadline is counted from the moment sending stopped " +
      "waiting for the reader (drainWaitMs into the wait) instead of from the start of the " +
      "wait: a stalled reader is cut drainWaitMs late, and its queue grows meanwhile",
    patches: [{
      find: "      this.#arm(wait.since + this.#limits.slowConsumerTimeoutMs, () => {\n",
      replace: "      this.#arm(this.#clock.now() + this.#limits.slowConsumerTimeoutMs, () => {\n",
    }],
  },
  // Shown: unit test rooms_protocol ("bad fields: key must be a string, ...") fails; and a
  // probe: refused commands {"code":"goto","key":""} and {"command":"goto","key":0}: their
  // errors carry key "" and key 0 unpatched, no key patched.
  {
    id: "h8-error-fields-truthy",
    file: `${CORE}/application.ts`,
    description: "the error answer copies the command's code, command and key only when " +
      "they are truthy, not whenever they are present: a refusal of a command whose key is " +
      "the empty string, 0 or false (or whose code is empty) comes without that field, so " +
      "the client cannot tell which command failed",
    patches: [{
      find: "    if (Object.hasOwn(command, field)) reply[field] = command[field];\n",
      replace: "    if (command[field]) reply[field] = command[field];\n",
    }],
  },
  // Shown: probe: maxMessageBytes 100; 70 bytes of an 81-byte message, then a read with its
  // last 11 bytes, the zero byte and a whole second message: both messages unpatched, "message
  // is larger than 100 bytes" (fatal) patched. No unit test fails.
  {
    id: "h8-tail-limit-counts-whole-read",
    file: `${PARSER}/json_parser.ts`,
    description: "when a read completes a message held from earlier reads, the size check " +
      "adds the whole read to the held bytes instead of only the part up to the zero byte: " +
      "a message that fits is called too large (and the connection reset) whenever the read " +
      "that ends it also carries the next messages",
    patches: [{
      find: "      if (this.#tooLarge(this.#tail.length + end)) {\n",
      replace: "      if (this.#tooLarge(this.#tail.length + bytes.length)) {\n",
    }],
  },
  // Shown: unit tests json_parser ("pendingSince is the time of the read that began...",
  // "a fatal error forgets...") and limits ("a message begun must be complete within
  // partialMessageTimeoutMs, however it trickles") fail; and a probe: partialMessageTimeoutMs
  // 1 000, a message begun at 0 and trickled at 600: closed with "message not completed in
  // time" at 1 100 unpatched, still connected patched.
  {
    id: "h8-pending-since-last-read",
    file: `${PARSER}/json_parser.ts`,
    description: "the decoder stamps an unfinished message with the time of its latest read, " +
      "not of the read that began it: a client that trickles a byte now and then keeps a " +
      "message open forever, and partialMessageTimeoutMs never fires",
    patches: [{
      find: "        this.#pendingSince ??= now; // or of the first later read that gave a time\n",
      replace: "        this.#pendingSince = now;\n",
    }],
  },
  // Shown: probe: a message whose last byte is 0xFF arrives in two reads: "message is not
  // valid UTF-8" unpatched, accepted as a command holding U+FFFD patched (a valid character
  // split across reads decodes in both). No unit test fails.
  {
    id: "h8-split-message-lenient-utf8",
    file: `${PARSER}/json_parser.ts`,
    description: "a message completed from the bytes held across reads is decoded with the " +
      "lenient UTF-8 decoder only: bytes that are not UTF-8 are replaced with U+FFFD and " +
      "the message accepted, when it arrived split, instead of refused as not valid UTF-8",
    patches: [{
      find: "      out.push(this.#parseBytes(this.#tail.view()));\n",
      replace: "      out.push(this.#parseText(lenientUtf8.decode(this.#tail.view())));\n",
    }],
  },
  // Shown: unit test json_parser ("numbers JSON.parse turns into Infinity are refused",
  // "integer literals past 2^53 are refused...") fails; and a probe: -1e400 and
  // -9007199254740993 are refused unpatched, accepted patched (the first then goes out as
  // null).
  {
    id: "h8-negative-numbers-unchecked",
    file: `${PARSER}/value_check.ts`,
    description: "the number check's fast path tests only the upper bound: every negative " +
      "number passes, so -1e400 (-Infinity, sent back as null) and negative integers past " +
      "2^53 (changed on the way) are accepted",
    patches: [{
      find:
        "    if (member !== 0 && member <= Number.MAX_SAFE_INTEGER && member >= -Number.MAX_SAFE_INTEGER) {\n",
      replace: "    if (member !== 0 && member <= Number.MAX_SAFE_INTEGER) {\n",
    }],
  },
  // Shown: probe: 30 messages each holding 2 000 CJK characters (6 000 UTF-8 bytes),
  // serialized and decoded again: all equal unpatched; the 11th, encoded into the end of a
  // slab too short for it, is cut short (not valid JSON) patched. No unit test fails.
  {
    id: "h8-slab-two-bytes-a-unit",
    file: `${PARSER}/slab_encoder.ts`,
    description: "the slab encoder reckons at most two UTF-8 bytes per UTF-16 code unit " +
      "(true below U+0800 only): a message of mostly CJK text that lands near the end of a " +
      "slab is encoded into too little room and truncated, and the client receives broken " +
      "JSON",
    patches: [{
      find: "    const most = text.length * 3 + 1;\n",
      replace: "    const most = text.length * 2 + 1;\n",
    }],
  },
];
