/**
 * A real TCP client for end-to-end tests (node:net, so it runs on Node and on Deno). It
 * decodes what the server sends with the real JsonParser and lets a test wait, with a bound,
 * for a number of messages.
 */
import { connect, type Socket } from "node:net";
import { type Command, type Decoded, JsonParser } from "../../mod.ts";
import { within } from "./timeout.ts";

const encoder = new TextEncoder();

/** How long a wait lasts by default before it fails the test. */
export const DEFAULT_WAIT_MS = 5000;

/** One client connection to a server on 127.0.0.1. */
export class TcpClient {
  /** Messages received and not yet taken, in order. */
  readonly inbox: Command[][] = [];
  /** What the server sent that is not a command message (there should be none). */
  readonly malformed: Decoded[] = [];
  /** How many bytes were received in all. */
  receivedBytes = 0;
  #chunks: Uint8Array[] = [];
  #ended = false;
  readonly #decoder = new JsonParser({ maxMessageBytes: 16 * 1024 * 1024 }).createDecoder();
  readonly #closed: Promise<void>;
  readonly #waiters = new Set<() => void>();

  private constructor(readonly socket: Socket) {
    this.#closed = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.on("data", (chunk: Uint8Array) => {
      const bytes = new Uint8Array(chunk);
      this.receivedBytes += bytes.length;
      this.#chunks.push(bytes);
      for (const message of this.#decoder.decode(bytes)) {
        if (message.kind === "commands") this.inbox.push(message.commands);
        else this.malformed.push(message);
      }
      this.#wake();
    });
    socket.on("end", () => {
      this.#ended = true;
      this.#wake();
    });
    // A reset is part of some tests; the close that follows is what they wait for.
    socket.on("error", () => {});
  }

  /** Connects to `port` on 127.0.0.1. */
  static connect(port: number): Promise<TcpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port, noDelay: true });
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new TcpClient(socket));
      });
    });
  }

  /** Connects `count` clients, one after another (so their indexes follow that order). */
  static async connectMany(port: number, count: number): Promise<TcpClient[]> {
    const clients: TcpClient[] = [];
    for (let i = 0; i < count; i++) clients.push(await TcpClient.connect(port));
    return clients;
  }

  /** Every byte received so far, in one array. */
  get received(): Uint8Array {
    if (this.#chunks.length > 1) this.#chunks = [concat(this.#chunks)];
    return this.#chunks[0] ?? new Uint8Array();
  }

  /** Whether the server ended its side. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Writes raw bytes or text as they are (add the zero bytes yourself). */
  write(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Sends one message: a command or an array of commands, then its zero byte. */
  send(message: Command | Command[]): Promise<void> {
    return this.write(frame(message));
  }

  /** Sends `data` (if any) and ends this side, in one write. */
  end(data?: Uint8Array | string): void {
    if (data === undefined) this.socket.end();
    else this.socket.end(typeof data === "string" ? encoder.encode(data) : data);
  }

  /** Stops reading: what the server sends piles up in the kernel, then in the server. */
  pause(): void {
    this.socket.pause();
  }

  /** Reads again. */
  resume(): void {
    this.socket.resume();
  }

  /** Waits until `count` messages are in the inbox, then takes them (oldest first). */
  async take(count = 1, timeoutMs = DEFAULT_WAIT_MS): Promise<Command[][]> {
    await this.until(() => this.inbox.length >= count, `${count} message(s)`, timeoutMs);
    return this.inbox.splice(0, count);
  }

  /** Takes exactly one message and returns its commands. */
  async next(timeoutMs = DEFAULT_WAIT_MS): Promise<Command[]> {
    const [message] = await this.take(1, timeoutMs);
    return message;
  }

  /** Waits until `condition` holds, checking it whenever something arrives. */
  async until(condition: () => boolean, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    let waiter = () => {};
    const met = new Promise<void>((resolve) => {
      waiter = () => condition() && resolve();
    });
    this.#waiters.add(waiter);
    waiter();
    try {
      await within(met, timeoutMs, what);
    } catch (error) {
      throw this.#explain(error as Error);
    } finally {
      this.#waiters.delete(waiter);
    }
  }

  /** Waits for the connection to close (the server closed it, or `close` was called). */
  closed(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return within(this.#closed, timeoutMs, "the connection to close").catch((error) => {
      throw this.#explain(error);
    });
  }

  /** Drops the connection at once and waits for it to be closed. */
  close(): Promise<void> {
    this.socket.destroy();
    return this.closed();
  }

  #wake(): void {
    for (const waiter of this.#waiters) waiter();
  }

  /** Adds what the client got to a timeout's message. */
  #explain(error: Error): Error {
    const inbox = JSON.stringify(this.inbox).slice(0, 500);
    error.message += `; inbox has ${this.inbox.length}: ${inbox}; ` +
      `${this.receivedBytes} bytes received` + (this.#ended ? "; the server ended" : "");
    return error;
  }
}

/** The bytes of one message as a client sends it. */
export function frame(message: Command | Command[]): Uint8Array {
  return encoder.encode(JSON.stringify(message) + "\0");
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const all = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return all;
}
