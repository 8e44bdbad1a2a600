/**
 * In-memory clients for unit tests of the core and of controllers: each client is a
 * Connection whose written bytes are decoded with the real parser.
 */
import {
  type Admission,
  type Application,
  type Command,
  type ConnectionEvents,
  type Decoded,
  JsonParser,
  ManualClock,
  Server,
  type ServerOptions,
} from "../../mod.ts";

const encoder = new TextEncoder();

/** One in-memory client: what it sent goes through the real server core. */
export class TestClient {
  /** Every message received, decoded, in order. */
  readonly messages: Command[][] = [];
  /** What the client could not decode as commands (there should be none). */
  readonly malformed: Decoded[] = [];
  /** Every chunk written to this client, raw. */
  readonly chunks: Uint8Array[] = [];
  closed = false;
  /** How many times the server closed this connection. */
  closeCount = 0;
  /** Log of the server's calls on this connection, for order checks: "write" | "drain". */
  readonly calls: string[] = [];
  /** Fault injection: when set, the next writes throw it. */
  writeError: Error | undefined;
  /** Fault injection: what drain() returns. */
  drain: () => Promise<void> = () => Promise.resolve();
  /** What the server made of this connection. */
  admission!: Admission;
  readonly #decoder = new JsonParser().createDecoder();
  /** While stalled: bytes written but not "read" yet, and drains waiting for them. */
  #stalled: { unread: Uint8Array[]; drained: (() => void)[] } | undefined;

  /** The connection side the server writes to. */
  readonly connection = {
    /** What a test says is still queued for this client (the slow-consumer limits read it). */
    bufferedBytes: 0,
    write: (bytes: Uint8Array) => {
      this.calls.push("write");
      if (this.writeError) throw this.writeError;
      if (this.closed) throw new Error("write after close");
      if (this.#stalled) {
        this.#stalled.unread.push(bytes);
        this.connection.bufferedBytes += bytes.length;
      } else {
        this.#receive(bytes);
      }
    },
    drain: () => {
      this.calls.push("drain");
      const stalled = this.#stalled;
      if (stalled && this.connection.bufferedBytes > 0) {
        return new Promise<void>((resolve) => stalled.drained.push(resolve));
      }
      return this.drain();
    },
    close: () => {
      this.closed = true;
      this.closeCount++;
      return Promise.resolve();
    },
  };

  /** Stops reading: what the server writes stays unsent and its drains wait. */
  stall(): void {
    this.#stalled ??= { unread: [], drained: [] };
  }

  /** Reads everything held back by {@linkcode TestClient.stall} and reads on from now on. */
  release(): void {
    const stalled = this.#stalled;
    if (!stalled) return;
    this.#stalled = undefined;
    this.connection.bufferedBytes = 0;
    stalled.unread.forEach((bytes) => this.#receive(bytes));
    stalled.drained.forEach((resolve) => resolve());
  }

  #receive(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    for (const message of this.#decoder.decode(bytes)) {
      if (message.kind === "commands") this.messages.push(message.commands);
      else this.malformed.push(message);
    }
  }

  /** The events of an accepted connection (a refused one has none). */
  get events(): ConnectionEvents {
    if (!this.admission.accepted) throw new Error(`refused: ${this.admission.reason}`);
    return this.admission.events;
  }

  /** The index the server gave it (throws when it was refused). */
  get index(): number {
    return this.events.index;
  }

  /** Sends raw text (add the zero bytes yourself). */
  sendText(text: string): Promise<void> {
    return this.events.data(encoder.encode(text));
  }

  /** Sends one message: a command or an array of commands. */
  send(message: Command | Command[]): Promise<void> {
    return this.sendText(JSON.stringify(message) + "\0");
  }

  /** Messages received since the last call (the raw chunks are cleared with them). */
  take(): Command[][] {
    this.chunks.length = 0;
    return this.messages.splice(0);
  }

  /** All commands received since the last call, flattened. */
  takeCommands(): Command[] {
    return this.take().flat();
  }
}

/** A server core over in-memory clients. */
export class Harness<S> {
  readonly server: Server;

  /** Without a clock of its own, the server gets a ManualClock that never moves. */
  constructor(application: Application<S>, options: Partial<ServerOptions> = {}) {
    this.server = new Server({ application, clock: new ManualClock(), ...options });
  }

  /** Connects a new client and waits for its onConnect result to be sent. */
  async connect(): Promise<TestClient> {
    const client = new TestClient();
    client.admission = this.server.accept(client.connection);
    await this.settle();
    return client;
  }

  /** Waits until every queued turn has run. */
  async settle(): Promise<void> {
    await this.server.runTurn(() => []);
  }
}
