/**
 * A player whose socket another process holds, as the room owner's `Server` sees it: a
 * {@linkcode Connection} whose writes go on the bus.
 *
 * @module
 */
import type { CloseMode, Connection } from "../core/connection.ts";
import { wireMessages } from "./cluster_messages.ts";

/** What a {@linkcode RemoteConnection} does with what the server writes, and its close. */
export interface RemoteSink {
  /**
   * Sends one wire message (JSON text) towards the player; resolves once it has left (Redis
   * took it), rejects if it cannot be sent. Until then its bytes count as buffered.
   */
  send(message: string): Promise<void>;
  /** The server closed the connection (a limit, a lease lost, shutdown): tell the player. */
  closed(reason: string): void;
}

/**
 * The owner's side of a remote player: `write` sends each message on (in order: the sink
 * numbers them when called), `bufferedBytes` is what has not left yet, so the server's
 * slow-consumer limits see a bus that falls behind. Closing tells the player's process once.
 *
 * @example
 * ```ts
 * import { RemoteConnection } from "./remote_connection.ts";
 * const sent: string[] = [];
 * const closed: string[] = [];
 * const connection = new RemoteConnection({
 *   send: (message) => (sent.push(message), Promise.resolve()),
 *   closed: (reason) => closed.push(reason),
 * });
 * connection.write(new TextEncoder().encode('[{"code":"hi"}]\0'));
 * const before = connection.bufferedBytes;
 * await connection.drain();
 * if (before !== 16 || connection.bufferedBytes !== 0 || sent[0] !== '[{"code":"hi"}]') throw new Error();
 * await connection.close();
 * await connection.close();
 * if (closed.length !== 1) throw new Error("told once");
 * let threw = false;
 * try { connection.write(new Uint8Array([0])); } catch { threw = true; }
 * if (!threw) throw new Error("a closed connection is not written");
 * ```
 */
export class RemoteConnection implements Connection {
  #buffered = 0;
  #closed = false;
  #failed: unknown;
  #sending: Promise<unknown> = Promise.resolve();
  /** Why it was closed, for the player: set by the owner before it closes. */
  reason = "closed by the room's server";
  readonly #sink: RemoteSink;

  constructor(sink: RemoteSink) {
    this.#sink = sink;
  }

  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Whether it was closed, by the server or by {@linkcode RemoteConnection.end}. */
  get closed(): boolean {
    return this.#closed;
  }

  write(bytes: Uint8Array): void {
    if (this.#closed) throw new Error("connection closed");
    if (this.#failed !== undefined) throw this.#failed;
    for (const message of wireMessages(bytes)) {
      const size = message.length + 1;
      this.#buffered += size;
      const sent = this.#sink.send(message).then(
        () => void (this.#buffered -= size),
        (error) => {
          this.#buffered -= size;
          this.#failed ??= error;
        },
      );
      this.#sending = Promise.all([this.#sending, sent]);
    }
  }

  async drain(): Promise<void> {
    await this.#sending;
    if (this.#failed !== undefined) throw this.#failed;
  }

  close(_mode?: CloseMode): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#sink.closed(this.reason);
    }
    return this.#sending.then(() => {});
  }

  /** The player's side ended it (it left, or moved): closes without telling the player. */
  end(): void {
    this.#closed = true;
  }
}
