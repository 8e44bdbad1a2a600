/**
 * Bugs planted on the WebSocket path of a simulation, to show that the simulator catches
 * them: the server's message-mode frames keeping the zero byte, and a stream-mode splitter
 * that hands the core whole messages only and drops the partial tail. Never use these
 * outside tests and replays.
 *
 * @module
 */
import type { Socket, SocketHandlers } from "../../mod.ts";
import { frameHeader } from "../../src/websocket/frame_encoder.ts";
import type { WebSocketPlant } from "../engine/simulation_options.ts";

/**
 * The raw socket under the WebSocket socket, writing each text frame with the zero byte its
 * message ended with still in it: what a message-mode framer that cuts after the zero byte
 * instead of before it sends.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { zeroInTextFrames } from "./ws_planted.ts";
 * const wire: Uint8Array[] = [];
 * const raw = { write: (b: Uint8Array) => void wire.push(b), unsentBytes: 0,
 *   drained: () => Promise.resolve(), end() {}, abort() {} };
 * const planted = zeroInTextFrames(raw);
 * planted.write(new TextEncoder().encode("HTTP/1.1 101 Switching Protocols\r\n\r\n"));
 * planted.write(new Uint8Array([0x81, 2, 0x5b, 0x5d]));
 * assert.deepEqual(wire[1], new Uint8Array([0x81, 3, 0x5b, 0x5d, 0]));
 * ```
 */
export function zeroInTextFrames(raw: Socket): Socket {
  let upgraded = false;
  return {
    write(bytes) {
      // The first write is the `101` response; every later one is whole frames.
      if (!upgraded) {
        upgraded = true;
        return raw.write(bytes);
      }
      raw.write(withZeros(bytes));
    },
    get unsentBytes() {
      return raw.unsentBytes;
    },
    drained: () => raw.drained(),
    end: () => raw.end(),
    abort: () => raw.abort(),
  };
}

/** Whole unmasked server frames, each text frame's payload with a zero byte added. */
function withZeros(bytes: Uint8Array): Uint8Array {
  const parts: number[] = [];
  let at = 0;
  while (at < bytes.length) {
    const opcode = bytes[at] & 0x0f;
    const short = bytes[at + 1] & 0x7f;
    const headerBytes = short === 126 ? 4 : short === 127 ? 10 : 2;
    const length = short === 126
      ? (bytes[at + 2] << 8) | bytes[at + 3]
      : short === 127
      ? new DataView(bytes.buffer, bytes.byteOffset + at + 2, 8).getUint32(4)
      : short;
    const payload = bytes.subarray(at + headerBytes, at + headerBytes + length);
    if (opcode === 0x1) parts.push(...frameHeader(0x1, length + 1), ...payload, 0);
    else parts.push(...bytes.subarray(at, at + headerBytes + length));
    at += headerBytes + length;
  }
  return new Uint8Array(parts);
}

/**
 * The layer's handlers behind a splitter that passes on only whole messages of what the
 * WebSocket socket decoded, and forgets the rest instead of keeping it for the next frame:
 * harmless in message mode (a text frame is a whole message), fatal in stream mode.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { droppedStreamTail } from "./ws_planted.ts";
 * const got: string[] = [];
 * const layer = droppedStreamTail({
 *   data: (bytes) => (got.push(new TextDecoder().decode(bytes)), Promise.resolve()),
 *   end() {}, error() {}, closed() {},
 * });
 * await layer.data(new TextEncoder().encode('{"a":1}\0{"b"'));
 * assert.deepEqual(got, ['{"a":1}\0']);
 * ```
 */
export function droppedStreamTail(layer: SocketHandlers): SocketHandlers {
  // Delegated one by one: the layer's handlers may be methods of a class, which a spread drops.
  return {
    data: (bytes) => {
      const whole = bytes.lastIndexOf(0) + 1;
      return whole === 0 ? Promise.resolve() : layer.data(bytes.subarray(0, whole));
    },
    end: () => layer.end(),
    error: (error) => layer.error(error),
    closed: () => layer.closed(),
  };
}

/** The name of a planted WebSocket bug, as `SIM_PLANT` gives it. */
export type WebSocketPlantName = "zero-in-text" | "dropped-stream-tail";

/** The planted WebSocket bugs: where each sits, what it does, and what must catch it. */
export const WEBSOCKET_PLANTS: Readonly<
  Record<
    WebSocketPlantName,
    { readonly plant: WebSocketPlant; readonly description: string; readonly caughtBy: string[] }
  >
> = {
  "zero-in-text": {
    plant: { raw: zeroInTextFrames },
    description: "the server's text frames keep the zero byte of their message",
    caughtBy: ["per-index delivery", "websocket conduct"],
  },
  "dropped-stream-tail": {
    plant: { layer: droppedStreamTail },
    description: "stream mode passes the core whole messages only and drops the partial tail",
    caughtBy: ["inbound integrity"],
  },
};
