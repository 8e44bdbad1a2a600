/**
 * What a simulated WebSocket client speaks, what it is connected to, and a frame it sends as
 * it is.
 *
 * @module
 */
import type { Random } from "./random.ts";

/** How a WebSocket client speaks: one text frame per message, or the stream in binary frames. */
export type WebSocketMode = "message" | "stream";

/** What a {@linkcode WebSocketClient} is connected to. */
export interface WebSocketHost {
  /** Writes bytes to the link; false once the client can no longer send. */
  write(bytes: Uint8Array): boolean;
  /** Half-closes the link, after its close frame. */
  end(): void;
  /** Whether the link still takes its writes (it has not vanished or half-closed). */
  writable(): boolean;
  /** Bytes of the server's zero-byte stream, unwrapped (a text message, then its zero byte). */
  stream(bytes: Uint8Array): void;
  /** Bytes of its own zero-byte stream that went out in frames. */
  sent(bytes: Uint8Array): void;
  /** Something for its log. */
  event(note: string): void;
  /** The server broke a rule of RFC 6455 or of the zero-byte framing. */
  violation(message: string): void;
  /** A generator of its own for the `n`-th batch of frames (0: the handshake): masks, cuts. */
  random(n: number): Random;
}

/** A frame sent as it is (`WebSocketClient.sendFrames`); `owes`: the close it must earn. */
export interface RawFrame {
  readonly opcode: number;
  readonly payload: Uint8Array;
  readonly fin?: boolean;
  /** Reserved bits (1 to 7), which no extension here gives a meaning. */
  readonly rsv?: number;
  /** Sent without a mask, which a client must not. */
  readonly unmasked?: boolean;
  readonly owes?: { readonly code: number; readonly why: string };
}
