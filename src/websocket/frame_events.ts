/**
 * What a `FrameDecoder` yields, and its options.
 *
 * @module
 */
/** One event decoded from the bytes of a connection. */
export type FrameEvent =
  /** A whole text message, validated as UTF-8. */
  | { readonly type: "text"; readonly text: string }
  /**
   * A whole text message when `text` is `"zero-terminated"`: its bytes, validated as UTF-8
   * and not decoded, followed by one zero byte (which is not part of the message).
   */
  | { readonly type: "terminated"; readonly data: Uint8Array }
  /** A whole binary message (when `binary` is `"message"`). */
  | { readonly type: "binary"; readonly data: Uint8Array }
  /**
   * Payload bytes of a binary message as they arrived (when `binary` is `"stream"`); `final`
   * on the last chunk of the message. An empty frame yields an empty chunk.
   */
  | { readonly type: "chunk"; readonly data: Uint8Array; readonly final: boolean }
  | { readonly type: "ping"; readonly data: Uint8Array }
  | { readonly type: "pong"; readonly data: Uint8Array }
  /** The peer's close frame; `code` is 1005 when it carried none. Nothing follows. */
  | { readonly type: "close"; readonly code: number; readonly reason: string }
  /** The peer broke the protocol or a limit: close with `code`. Nothing follows. */
  | { readonly type: "error"; readonly code: number; readonly reason: string };

/** Options of `FrameDecoder`. */
export interface FrameDecoderOptions {
  /**
   * Largest text message, or binary message in `"message"` mode, in bytes. Larger is a 1009
   * error, decided from the frame header before any payload is held. Default 64 KiB.
   */
  maxMessageBytes?: number;
  /** Most frames in one message; more is a 1008 error. Default 1024. */
  maxFragments?: number;
  /**
   * `"message"` (default): binary messages are gathered whole, under `maxMessageBytes`.
   * `"stream"`: their payload is yielded as it arrives, unbounded here (the stream's own
   * parser limits its messages).
   */
  binary?: "message" | "stream";
  /**
   * `"string"` (default): text messages are decoded into strings. `"zero-terminated"`: they
   * come as bytes followed by a zero byte (`terminated` events), as the zero-byte protocol
   * reads them, sparing a decode, an encode and a copy per message.
   */
  text?: "string" | "zero-terminated";
  /** `"server"` (default) requires masked frames, `"client"` unmasked ones. */
  role?: "server" | "client";
  /**
   * Where the decoder gets the arrays of the messages and stream chunks it yields within one
   * `feed` (zeroed, `size` bytes, its own for good): a `ByteSlab` shared by many decoders
   * saves an allocation per message. A message still incomplete when `feed` returns gets a
   * new `Uint8Array` of its own, so that a stalled peer holds no shared slab. Default: a new
   * `Uint8Array` each.
   */
  allocator?: { allocate(size: number): Uint8Array };
}

/** The default of {@linkcode FrameDecoderOptions.maxMessageBytes}: 64 KiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

/** The default of {@linkcode FrameDecoderOptions.maxFragments}. */
export const DEFAULT_MAX_FRAGMENTS = 1024;
