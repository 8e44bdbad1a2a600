/**
 * The client side of the handshake against the server side: what the simulator's WebSocket
 * clients will send and check.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  handshakeKey,
  upgradeRequest,
  type UpgradeResponse,
  UpgradeResponseReader,
} from "../src/websocket/client_handshake.ts";
import { HandshakeReader, switchingProtocolsResponse } from "../src/websocket/handshake.ts";
import { headError } from "../src/websocket/http_head.ts";
import {
  errorResponse,
  httpResponse,
  upgradeRequiredResponse,
} from "../src/websocket/http_response.ts";
import { encodeText } from "../src/websocket/frame_encoder.ts";
import { concat, utf8 } from "./helpers/websocket_frames.ts";

const KEY = handshakeKey(new Uint8Array(16).map((_, i) => i * 17));

function answer(key: string, bytes: Uint8Array): UpgradeResponse {
  return new UpgradeResponseReader(key).feed(bytes);
}

test("the client's request is an upgrade the server accepts, keys random or given", () => {
  for (let i = 0; i < 50; i++) {
    const key = i === 0 ? KEY : handshakeKey();
    const request = upgradeRequest({ host: "localhost:5554", path: "/game", key });
    const result = new HandshakeReader().feed(request);
    assert.ok(result.kind === "upgrade");
    assert.equal(result.key, key);
    assert.equal(result.request.path, "/game");
  }
  const withOrigin = upgradeRequest({ host: "h", key: KEY, headers: { Origin: "http://h" } });
  const result = new HandshakeReader().feed(withOrigin);
  assert.ok(result.kind === "upgrade");
  assert.equal(result.request.headers.get("origin"), "http://h");
  assert.throws(() => upgradeRequest({ host: "h\r\nX: y", key: KEY }), TypeError);
  assert.throws(() => handshakeKey(new Uint8Array(15)), RangeError);
});

test("the server's 101 is accepted in every split, with the frames after it kept", () => {
  const frames = encodeText("welcome");
  const bytes = concat(switchingProtocolsResponse(KEY), frames);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const reader = new UpgradeResponseReader(KEY);
    const first = reader.feed(bytes.subarray(0, cut));
    const result = first.kind === "incomplete" ? reader.feed(bytes.subarray(cut)) : first;
    assert.ok(result.kind === "accepted", `cut at ${cut}`);
    const after = first.kind === "incomplete"
      ? result.rest
      : concat(result.rest, bytes.subarray(cut));
    assert.deepEqual(after, frames, `cut at ${cut}`);
  }
});

test("a 101 for another key, or without its upgrade fields, is refused", () => {
  const other = handshakeKey(new Uint8Array(16).fill(9));
  assert.deepEqual(answer(other, switchingProtocolsResponse(KEY)), {
    kind: "refused",
    status: 101,
    reason: "wrong Sec-WebSocket-Accept",
  });
  const noUpgrade = httpResponse(101, { Connection: "Upgrade" });
  assert.equal((answer(KEY, noUpgrade) as { reason: string }).reason, "no Upgrade");
  const folded = utf8("HTTP/1.1 101 Switching Protocols\r\n folded\r\n\r\n");
  assert.deepEqual(answer(KEY, folded), {
    kind: "refused",
    status: 101,
    reason: "obsolete line folding",
  });
});

test("error answers are refused with their status and reason phrase", () => {
  assert.deepEqual(answer(KEY, errorResponse(headError(400, "bad key"))), {
    kind: "refused",
    status: 400,
    reason: "Bad Request",
  });
  assert.deepEqual(answer(KEY, upgradeRequiredResponse()), {
    kind: "refused",
    status: 426,
    reason: "Upgrade Required",
  });
  assert.deepEqual(answer(KEY, utf8("SSH-2.0-OpenSSH\r\n\r\n")), {
    kind: "refused",
    status: 0,
    reason: "malformed status line",
  });
  assert.deepEqual(answer(KEY, new Uint8Array(9000).fill(0x41)), {
    kind: "refused",
    status: 0,
    reason: "response head over 8 KiB",
  });
  const reader = new UpgradeResponseReader(KEY);
  reader.feed(upgradeRequiredResponse());
  assert.throws(() => reader.feed(new Uint8Array(1)));
});
