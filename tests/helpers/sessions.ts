/**
 * A server with a hold over in-memory clients, for the session tests: an application that
 * logs every hook, clients that keep every byte they were sent, and a check that no token
 * reached anyone but its owner.
 */
import assert from "node:assert/strict";
import {
  Application,
  type Command,
  deliver,
  type Index,
  type Limits,
  ManualClock,
  type RandomFill,
  type Result,
  Server,
} from "../../mod.ts";
import { TestClient } from "./harness.ts";

/** What the logging application keeps: the hooks it saw, and who is at the table. */
export interface HookLog {
  readonly calls: string[];
  /** Identities the application knows (connected, or held). */
  readonly members: Set<Index>;
  /** Identities held now. */
  readonly held: Set<Index>;
}

/**
 * An application that logs its hooks: `say` goes to every member, a hold is told to the others
 * as `disconnected`, a resume as `back`, and the resumed one gets `view` (who is here).
 */
export function loggingApplication(): Application<HookLog> {
  const log: HookLog = { calls: [], members: new Set(), held: new Set() };
  // An empty list of indexes would address the server itself (an internal command).
  const toOthers = (index: Index, command: Command): Result => {
    const others = [...log.members].filter((member) => member !== index);
    return others.length > 0 ? deliver(others, command) : [];
  };
  return new Application<HookLog>({
    storage: log,
    defaultController: {
      handleCommand: (command, { index }) => {
        log.calls.push(`command ${index} ${command.code}`);
        if (command.code !== "say") return deliver([index], { code: "ok" });
        return deliver([...log.members], { code: "say", from: index, text: command.text ?? "" });
      },
      onConnect: ({ index }) => {
        log.calls.push(`connect ${index}`);
        log.members.add(index);
        return deliver([index], { code: "welcome", index });
      },
      onDisconnect: ({ index }) => {
        log.calls.push(`disconnect ${index}`);
        log.members.delete(index);
        log.held.delete(index);
        return toOthers(index, { code: "gone", index });
      },
      onHold: ({ index }) => {
        log.calls.push(`hold ${index}`);
        log.held.add(index);
        return toOthers(index, { code: "disconnected", index });
      },
      onResume: ({ index }): Result => {
        log.calls.push(`resume ${index}`);
        log.held.delete(index);
        return [
          ...deliver([index], { code: "view", index, members: [...log.members] }),
          ...toOthers(index, { code: "back", index }),
        ];
      },
    },
  });
}

/** A random source that never repeats: byte i of the n-th fill is (seed + n + i) mod 256. */
/** The answer to a resume that cannot be honoured, whatever the reason (no oracle for guessers). */
export const CANNOT = { code: "resume", error: "cannot resume" } as const;

export function countingRandom(seed: number): RandomFill {
  let fills = 0;
  return (bytes) => {
    fills++;
    bytes.forEach((_, i) => (bytes[i] = (seed * 31 + fills * 7 + i) % 256));
    if (fills > 255) bytes[0] ^= fills >> 8;
  };
}

/** A client that also keeps every byte it was sent, as text, for the secrecy check. */
export class RawClient extends TestClient {
  raw = "";

  constructor() {
    super();
    const write = this.connection.write;
    this.connection.write = (bytes: Uint8Array) => {
      write(bytes);
      this.raw += new TextDecoder().decode(bytes);
    };
  }

  /** Every token this client was given (by `session` and successful `resume` answers). */
  get tokens(): string[] {
    const found = this.raw.match(/"token":"[\w-]+"/g) ?? [];
    return found.map((field) => field.slice(9, -1));
  }
}

/** A server with a hold, its clock and application, and clients that connect to it. */
export class SessionHarness {
  readonly clock = new ManualClock();
  readonly application = loggingApplication();
  readonly server: Server;
  readonly clients: RawClient[] = [];

  constructor(
    readonly holdMs = 1000,
    limits: Partial<Limits> = {},
    random: RandomFill = countingRandom(1),
  ) {
    this.server = new Server({
      application: this.application,
      clock: this.clock,
      holdMs,
      random,
      limits,
    });
  }

  get calls(): string[] {
    return this.application.storage.calls;
  }

  /** Connects a client; returns it with the token of its session message. */
  async connect(): Promise<{ client: RawClient; token: string }> {
    const client = new RawClient();
    client.admission = this.server.accept(client.connection);
    this.clients.push(client);
    await this.settle();
    const [[session]] = client.take();
    assert.equal(session.code, "session");
    assert.equal(session.holdMs, this.holdMs);
    return { client, token: String(session.token) };
  }

  /** Connects a client and has it send a first command, so the application knows it. */
  async join(): Promise<{ client: RawClient; token: string }> {
    const joined = await this.connect();
    await joined.client.send({ code: "hello" });
    joined.client.take();
    return joined;
  }

  /** Connects a client whose first command resumes `token`; returns it and what it got. */
  async resume(token: string, more: Command[] = []): Promise<[RawClient, Command[]]> {
    const { client } = await this.connect();
    await client.send([{ code: "resume", token }, ...more]);
    await this.settle();
    return [client, client.takeCommands()];
  }

  async settle(): Promise<void> {
    await this.server.runTurn(() => []);
  }

  /** Asserts that no client was ever sent a token that another client was given. */
  assertTokensPrivate(): void {
    for (const owner of this.clients) {
      for (const token of owner.tokens) {
        for (const other of this.clients) {
          if (other === owner) continue;
          assert.ok(!other.raw.includes(token), `a token of one client reached another`);
        }
      }
    }
  }
}
