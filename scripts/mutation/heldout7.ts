/**
 * The seventh held-out set: written blind, from the core, the parser, the connection layer
 * and the WebSocket codec alone, without reading the simulator, the probe, the runner or
 * the other sets' descriptions, and never run on the simulator by its author. 14 mutants of
 * src/core and src/parser, 6 of src/transport and src/websocket. Each changes what a client
 * or the game sees; how each was shown (the patch applied by hand in a worktree, the check
 * run, the patch reverted) is noted above it: every one by a throwaway probe (not committed)
 * whose assertion passes unpatched and fails patched: the server with a ManualClock and
 * in-memory connections (held answers around shutdown and shared deliveries, resumes racing
 * open connections, timers cancelled while their firing waits, partial messages and their
 * deadlines, rates after a quiet spell, a stalled reader), the parser and its slab encoder,
 * and the connection layer, the WebSocket socket, its decoder, keep-alive and upgrade driven
 * directly; 14 of them also fail an existing unit test (named above each), 6 fail none.
 *
 * @module
 */
import type { Mutant } from "./mutant.ts";

const CORE = "src/core";
const PARSER = "src/parser";
const WEBSOCKET = "src/websocket";
const TRANSPORT = "src/transport";

/** The seventh held-out set. */
export const HELD_OUT_7: readonly Mutant[] = [
  // Shown: unit test limits ("a connection that sends nothing for idleTimeoutMs is told so
  // and disconnected", and the partial-message one) fails; and a probe: idleTimeoutMs 1000,
  // the clock moved 1000: the client hears {"error":"idle timeout"} unpatched, nothing patched.
  {
    id: "h7-notice-after-close",
    file: `${CORE}/server.ts`,
    description: "the server closes a connection before writing its notice: the write after " +
      "the close fails and is swallowed, so a client closed for idling or for a message " +
      "left unfinished is never told why",
    patches: [{
      find: "    if (notice) tryWrite(entry.policy.outbound, this.parser.serialize([notice]));\n" +
        "    const closed = entry.policy.outbound.close(mode);\n",
      replace: "    const closed = entry.policy.outbound.close(mode);\n" +
        "    if (notice) tryWrite(entry.policy.outbound, this.parser.serialize([notice]));\n",
    }],
  },
  // Shown: probe: a save held, shutdown begun, then the save made durable: the client gets
  // "saved" before it is closed unpatched, nothing patched (held_answers, server_core pass).
  {
    id: "h7-shutdown-skips-held-answers",
    file: `${CORE}/server.ts`,
    description: "shutdown disconnects every connection once the queued turns are done, " +
      "without waiting for the answers still held (a save on its way to the disk): those " +
      "answers are written to nobody, though their commands were taken in",
    patches: [{
      find: "    await this.#turn;\n    await this.#held.flushed;\n",
      replace: "    await this.#turn;\n",
    }],
  },
  // Shown: unit test session_takeover (takeover: the old socket, still open, is told why and
  // closed) fails; and a probe: B resumes A's identity while A is still open: B hears its
  // resume succeed and its ping answered unpatched, nothing at all patched.
  {
    id: "h7-disconnect-drops-successor",
    file: `${CORE}/server.ts`,
    description: "a disconnect removes its index from the registry whoever holds it now: the " +
      "connection a resume superseded takes the resumer out with it, which never hears its " +
      "resume succeed nor anything sent to the identity after",
    patches: [{
      find: "    if (this.#registry.get(index) === entry) this.#registry.delete(index);\n",
      replace: "    this.#registry.delete(index);\n",
    }],
  },
  // Shown: probe: partialMessageTimeoutMs 1000; a message begun at 0, completed at 900 with
  // the next one begun in the same read; at 1000 the client stays open unpatched, is closed
  // with "message not completed in time" patched (limits passes).
  {
    id: "h7-partial-timer-any-message",
    file: `${CORE}/connection_policy.ts`,
    description: "the partial-message timer, when it fires, gives up on the connection if any " +
      "message is unfinished, not only the one it was armed for: a client that completed " +
      "its message and began the next just before the deadline is closed",
    patches: [{
      find: "      const since = this.#pendingSince;\n" +
        "      if (since === undefined) return;\n" +
        "      const due = since + this.#limits.partialMessageTimeoutMs;\n" +
        "      if (due > this.#clock.now()) return this.#armPartial(due);\n",
      replace: "      if (this.#pendingSince === undefined) return;\n",
    }],
  },
  // Shown: unit test limits ("the token bucket refills at its rate and never past its
  // burst") fails; and a probe: 10 a second, burst 2, 10 s quiet, 4 commands in one message:
  // 2 answered and 2 refused unpatched, all 4 answered patched.
  {
    id: "h7-bucket-refills-past-burst",
    file: `${CORE}/token_bucket.ts`,
    description: "the token bucket refills without its cap: after a quiet spell a connection " +
      "(or the resumes of the whole server) may send as many commands as the spell earned, " +
      "far past the burst",
    patches: [{
      find:
        "    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed * this.perSecond) / 1000);\n",
      replace: "    this.#tokens += (elapsed * this.perSecond) / 1000;\n",
    }],
  },
  // Shown: unit test sessions ("leave during the hold ... gone once", "shutdown during the
  // hold") fails; and a probe: a held identity ended by server.disconnect, then the clock
  // moved past holdMs: onDisconnect ran once unpatched, twice patched.
  {
    id: "h7-release-keeps-hold-timer",
    file: `${CORE}/sessions.ts`,
    description: "releasing an identity does not cancel its hold timer: one ended while held " +
      "(by the server, or at shutdown) expires again later, and the game runs its " +
      "onDisconnect a second time",
    patches: [{
      find: "    this.#forgetToken(identity);\n" +
        "    identity.cancelHold?.();\n" +
        "    this.#byIndex.delete(index);\n",
      replace: "    this.#forgetToken(identity);\n    this.#byIndex.delete(index);\n",
    }],
  },
  // Shown: unit test sessions ("leave during the hold: resumed and left at once") fails; and
  // a probe: [resume, ping] in one message: the ping is answered unpatched, not patched.
  {
    id: "h7-resume-drops-rest-of-message",
    file: `${CORE}/session_layer.ts`,
    description: "a resume that succeeds ends the handling of its message: the commands sent " +
      "after it in the same message are never run nor answered",
    patches: [{
      find:
        "        if (await this.#resume(entry, first.token)) return this.handle(entry, rest);\n",
      replace: "        if (await this.#resume(entry, first.token)) return;\n",
    }],
  },
  // Shown: unit test timed_commands ("a deferred command cancelled by another of the same
  // firing never runs") fails; and a probe: a turn held open, a client's cancel queued behind
  // it, then the timer fires: the timed command never runs unpatched, runs patched.
  {
    id: "h7-cancel-misses-fired-timer",
    file: `${CORE}/internal_commands.ts`,
    description: "cancelling a timer only takes it off the scheduler: one that fired while " +
      "an earlier turn still ran (its handling queued behind the cancel) runs anyway",
    patches: [{
      find: "        scheduler.cancel(request.id);\n        this.#firedUnder.delete(request.id);\n",
      replace: "        scheduler.cancel(request.id);\n",
    }],
  },
  // Shown: probe: 1's save held; 2 shouts to [1, 2]: 2 hears it once unpatched, a second time
  // once 1's save is durable patched (held_answers passes).
  {
    id: "h7-held-split-sends-free-twice",
    file: `${CORE}/deliver.ts`,
    description: "a delivery split around a held answer puts every recipient in the later " +
      "part, the free ones too: those get the message at once and again once the held " +
      "answer is written",
    patches: [{
      find: "    later.push([indexes.filter((index) => this.#pending.has(index)), commands]);\n",
      replace: "    later.push([indexes, commands]);\n",
    }],
  },
  // Shown: probe: [save a, save b] in one message, a's save fails and b's succeeds: an error
  // for a and "saved" for b unpatched, two errors patched (held_answers passes).
  {
    id: "h7-hold-waits-for-earlier-commands",
    file: `${CORE}/application.ts`,
    description: "a command's held answer waits for everything held in its message so far, " +
      "not only its own waits: when an earlier command's save fails, a later command whose " +
      "own save succeeded is answered with an error too",
    patches: [{
      find: "            until: Promise.all(waits.slice(before)),\n",
      replace: "            until: Promise.all(waits),\n",
    }],
  },
  // Shown: probe: maxMessageBytes 24; 20 bytes of a message held, then a read that ends it
  // (22 bytes) and carries another of 22: both answered unpatched, the connection closed as
  // "message is larger than 24 bytes" patched (json_parser, json_parser_limits pass).
  {
    id: "h7-tail-limit-counts-whole-read",
    file: `${PARSER}/json_parser.ts`,
    description: "the size of a message held across reads is checked with the whole next " +
      "read added, not just up to its zero byte: a read that ends a message and carries " +
      "others is taken for an oversized message and the connection is closed",
    patches: [{
      find: "      if (this.#tooLarge(this.#tail.length + end)) {\n",
      replace: "      if (this.#tooLarge(this.#tail.length + bytes.length)) {\n",
    }],
  },
  // Shown: unit test limits ("a message begun must be complete within
  // partialMessageTimeoutMs, however it trickles") fails; and a probe: a message trickled a
  // piece every 300 ms is closed at 1000 ms unpatched, never patched.
  {
    id: "h7-pending-since-latest-read",
    file: `${PARSER}/json_parser.ts`,
    description: "an unfinished message is dated by its latest read instead of its first: a " +
      "client that trickles a message byte by byte is never closed by the partial-message " +
      "timeout",
    patches: [{
      find: "        this.#pendingSince ??= now; // or of the first later read that gave a time\n",
      replace: "        this.#pendingSince = now; // the time of the latest read\n",
    }],
  },
  // Shown: unit test slab_encoder ("earlier frames keep their bytes while later ones fill and
  // replace the slab") fails; and a probe: 80 echoes of texts of "é" of growing length: all
  // decode unpatched, some arrive cut short (malformed) patched.
  {
    id: "h7-slab-counts-code-units",
    file: `${PARSER}/slab_encoder.ts`,
    description: "the slab encoder reserves one byte per UTF-16 code unit: a message with " +
      "non-ASCII text that lands near the end of a slab is cut short, and its recipients get " +
      "broken JSON",
    patches: [{
      find: "    const most = text.length * 3 + 1;\n",
      replace: "    const most = text.length + 1;\n",
    }],
  },
  // Shown: unit test limits ("a reader that does not drain within slowConsumerTimeoutMs is
  // disconnected") fails; and a probe: drainWaitMs 100, slowConsumerTimeoutMs 1000, a reader
  // stalled and sent a move: closed at 1000 ms unpatched, still open patched.
  {
    id: "h7-slow-timer-from-patience",
    file: `${CORE}/outbound_guard.ts`,
    description: "the slow-consumer timeout is counted from the end of the drain wait instead " +
      "of its start: a reader that stopped reading keeps its connection (and the memory of " +
      "what it is sent) drainWaitMs longer than the limit",
    patches: [{
      find: "      this.#arm(wait.since + this.#limits.slowConsumerTimeoutMs, () => {\n",
      replace: "      this.#arm(this.#clock.now() + this.#limits.slowConsumerTimeoutMs, () => {\n",
    }],
  },
  // Shown: unit test adapter_contract ("node adapter: a connection that arrives while the
  // server shuts down is told so and closed") fails; and a probe: a Transport over a socket
  // record, idle timeout: the notice is written before the end unpatched, after it patched.
  {
    id: "h7-close-ends-before-flush",
    file: `${TRANSPORT}/socket_connection.ts`,
    description: "closing ends the socket without first handing it what is held for the end " +
      "of the iteration: the last answers and the closing notice are written after the end " +
      "and lost",
    patches: [{
      find: "  #close(): Promise<void> {\n" +
        '    this.#stopped ??= "closed";\n' +
        "    this.#held.flush();\n",
      replace: "  #close(): Promise<void> {\n" +
        '    this.#stopped ??= "closed";\n',
    }],
  },
  // Shown: probe: a Transport with two sockets; one turn sends both "table" and "turn" and
  // the first alone its "hand": the second socket gets the two messages unpatched, the
  // first's hand too patched (write_batcher passes).
  {
    id: "h7-join-cache-prefix",
    file: `${TRANSPORT}/write_batcher.ts`,
    description: "the cache of joined writes compares chunk lists without their lengths: a " +
      "connection sent the first messages of another's longer list in the same iteration " +
      "gets the other's joined bytes, messages meant for someone else included",
    patches: [{
      find: "  if (a.length !== b.length) return false;\n",
      replace: "",
    }],
  },
  // Shown: unit test websocket_socket ("a close without a code is answered without one")
  // fails; and a probe: openWebSocket fed a close frame with no payload answers [0x88, 0]
  // unpatched, a close frame carrying 1005 patched.
  {
    id: "h7-echo-no-status-code",
    file: `${TRANSPORT}/websocket_socket.ts`,
    description: "a peer's close frame without a code is echoed with 1005, a code that must " +
      "never be sent: a strict client fails the close handshake",
    patches: [{
      find:
        "    this.#close(this.#peerCode === CloseCode.NoStatus ? undefined : this.#peerCode ?? 1000);\n",
      replace: "    this.#close(this.#peerCode ?? 1000);\n",
    }],
  },
  // Shown: unit tests websocket_codec (5.19/5.20 fragments) and websocket_conformance fail;
  // and a probe: a FrameDecoder fed a text message in a 3-byte and a 4-byte masked fragment
  // decodes it unpatched, fails it as invalid UTF-8 patched.
  {
    id: "h7-mask-phase-message-offset",
    file: `${WEBSOCKET}/frame_decoder.ts`,
    description: "a data frame is unmasked with the message's offset as the mask's phase " +
      "instead of the frame's: a continuation after a fragment whose length is not a " +
      "multiple of 4, and a streamed frame cut across reads, come out garbled",
    patches: [{
      find:
        "    if (this.#masked) applyMask(source, target, offset, this.#mask, this.#position);\n",
      replace: "    if (this.#masked) applyMask(source, target, offset, this.#mask, offset);\n",
    }],
  },
  // Shown: unit test websocket_socket ("an idle connection is pinged; one that stays silent
  // after the ping is reset") fails; and a probe: pinged, pong, then two quiet intervals: a
  // second ping unpatched, the socket aborted as silent patched.
  {
    id: "h7-keepalive-pinged-sticks",
    file: `${TRANSPORT}/keep_alive.ts`,
    description: "hearing from a pinged peer clears only `heard`, not `pinged`: a client that " +
      "answered one ping and then idles for two intervals is reset as silent without being " +
      "pinged again",
    patches: [{
      find: "        peer.heard = peer.pinged = false;\n",
      replace: "        peer.heard = false;\n",
    }],
  },
  // Shown: unit test websocket_socket ("one timer pings every WebSocket of a port; none is
  // left once they are closed") fails; and a probe: openHttp upgraded, the clock moved to
  // handshakeTimeoutMs: nothing more written unpatched, a 408 written and the socket ended
  // patched.
  {
    id: "h7-upgrade-keeps-head-timer",
    file: `${TRANSPORT}/http_upgrade.ts`,
    description: "an upgrade does not stop the request-head timeout: handshakeTimeoutMs after " +
      "the socket opened, a live WebSocket connection is sent a 408 response and ended",
    patches: [{
      find: "    this.#done();\n    this.#raw.write(switchingProtocolsResponse(result.key));\n",
      replace: "    this.#raw.write(switchingProtocolsResponse(result.key));\n",
    }],
  },
];
