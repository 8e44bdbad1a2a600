/**
 * Seeded fuzzing of the real server core with the rooms example: hostile clients send bad
 * bytes, bad JSON, bad shapes, huge numbers, deep nesting, prototype keys and oversize
 * messages, split at random, interleaved read by read with good clients playing. A model of
 * the protocol says what every well-behaved exchange must produce. A failure names its seed;
 * `FUZZ_SEED=<seed>` replays it, `FUZZ_RUNS=<n>` runs more.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import {
  type Command,
  createLogger,
  DEFAULT_MAX_MESSAGE_BYTES,
  type JsonValue,
  MemoryStore,
} from "../mod.ts";
import { createRoomsApplication, type RoomsStorage } from "../examples/rooms/mod.ts";
import { Harness } from "./helpers/harness.ts";
import { forEachSeed, Fuzz, fuzzSeeds } from "./helpers/fuzz_random.ts";
import { Lane } from "./helpers/fuzz_lanes.ts";
import { RoomsModel } from "./helpers/rooms_model.ts";
import {
  garbage,
  HOSTILE_KINDS,
  oversize,
  textMessage,
  trickyCommand,
  type WireMessage,
} from "./helpers/hostile_messages.ts";

/** The good clients' rooms: the first two share one. */
const GOOD_ROOMS = ["good-a", "good-a", "good-b"];
const GOOD_KEYS = ["good-a", "good-b", "good-list"];
const GOOD_MESSAGES = 30;
const HOSTILE_MESSAGES = 40;
const GARBAGE_READS = 30;

function goodState(fuzz: Fuzz): string {
  if (fuzz.chance(0.5)) {
    return JSON.stringify(Array.from({ length: fuzz.int(0, 600) }, () => fuzz.int(0, 1 << 24)));
  }
  const colors = Array.from({ length: fuzz.int(0, 200) }, () => fuzz.int(0, 1 << 24));
  return JSON.stringify({ name: fuzz.pick(["Anna", "Zoë", "美咲", "Amélie 🎨"]), colors });
}

/** One message of a good client: a save, update or get of the good keys, or a batch of them. */
function goodMessage(fuzz: Fuzz): WireMessage {
  const command = () => {
    const verb = fuzz.chance(0.2) ? '"command"' : '"code"';
    const key = JSON.stringify(fuzz.pick(GOOD_KEYS));
    return fuzz.pick([
      () => `{${verb}:"${fuzz.pick(["save", "set"])}","key":${key},"state":${goodState(fuzz)}}`,
      () =>
        `{${verb}:"update","key":"good-list","index":${fuzz.int(0, 50)},"value":${
          fuzz.int(0, 99)
        }}`,
      () => `{${verb}:"${fuzz.pick(["get", "load"])}","key":${key}}`,
    ])();
  };
  const batch = Array.from({ length: fuzz.chance(0.7) ? 1 : fuzz.int(2, 4) }, command);
  return textMessage(batch.length === 1 ? batch[0] : `[${batch.join(",")}]`, "good");
}

/** What a hostile client that the model follows sends: every bad kind once, then a mix. */
function hostileScript(fuzz: Fuzz, mayOversize: boolean): WireMessage[] {
  const kinds = Object.entries(HOSTILE_KINDS);
  const script = fuzz.shuffle(kinds).map(([, make]) => make(fuzz));
  while (script.length < HOSTILE_MESSAGES) {
    script.push(
      fuzz.chance(0.5)
        ? fuzz.pick(kinds)[1](fuzz)
        : textMessage(trickyCommand(fuzz), "tricky command"),
    );
  }
  if (mayOversize && fuzz.chance(0.6)) script.push(oversize(fuzz));
  return script;
}

/** The names of everything on the built-in prototypes a polluting client could reach. */
function prototypeSurface(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype]
    .map((proto) => Object.getOwnPropertyNames(proto).sort().join())
    .join("|");
}

/** JSON-normalized, as a client decodes it (so -0 reads as 0). */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value));

/** Compares what a client got with what it should have, naming the first difference. */
function assertSameMessages(actual: Command[][], expected: Command[][], who: string): void {
  const first = expected.findIndex((message, n) => !isDeepStrictEqual(actual[n], message));
  const at = first === -1 ? expected.length : first;
  assert.deepEqual(
    actual.slice(at, at + 2),
    expected.slice(at, at + 2),
    `${who}: message ${at} of ${actual.length} received (${expected.length} expected) differs`,
  );
}

/** One seeded run: a server, a model, good and hostile lanes, and what each must receive. */
class FuzzRun {
  readonly fuzz: Fuzz;
  readonly model = new RoomsModel();
  readonly store = new MemoryStore();
  readonly errors: string[] = [];
  readonly harness: Harness<RoomsStorage>;
  /** What each model client must have received, in order. */
  readonly expected = new Map<number, Command[][]>();
  readonly lanes: Lane[] = [];
  /** Every lane ever joined, with its role. */
  readonly all: { lane: Lane; role: "good" | "hostile" | "garbage" }[] = [];
  maxDecoderBytes = 0;
  #nextId = 1;

  constructor(seed: number) {
    this.fuzz = new Fuzz(seed);
    const logger = createLogger({ level: "error", write: (line) => this.errors.push(line) });
    const application = createRoomsApplication({ store: this.store, logger });
    this.harness = new Harness(application, { logger });
  }

  /** Connects a client and sends it into `room` in one piece. */
  async join(role: "good" | "hostile" | "garbage", room: string): Promise<Lane> {
    const lane = new Lane(this.#nextId++, await this.harness.connect());
    this.model.connect(lane.id);
    this.expected.set(lane.id, []);
    const goto = textMessage(JSON.stringify({ code: "goto", key: room }), "goto");
    await lane.client.events.data(goto.bytes);
    this.record(lane, goto);
    this.lanes.push(lane);
    this.all.push({ lane, role });
    return lane;
  }

  record(lane: Lane, message: WireMessage | undefined): void {
    const outcome = message?.outcome;
    if (outcome?.kind === "commands") {
      for (const [recipients, commands] of this.model.handle(lane.id, outcome.commands)) {
        for (const id of recipients) this.expected.get(id)!.push(wire([...commands]));
      }
    } else if (outcome?.kind === "refused") {
      this.expected.get(lane.id)!.push([{ error: outcome.error }]);
    } else if (outcome?.kind === "fatal") {
      assert.fail(`${message!.what} was sent whole and the connection is still open`);
    }
  }

  /** Sends one random piece of a random lane's stream; returns false when all are sent. */
  async step(): Promise<boolean> {
    const busy = this.lanes.filter((lane) => lane.remaining > 0);
    if (busy.length === 0) return false;
    const lane = this.fuzz.pick(busy);
    const length = this.fuzz.pick([
      this.fuzz.int(1, 8),
      this.fuzz.int(1, 300),
      this.fuzz.int(1, 20_000),
      lane.remaining,
    ]);
    const ended = await lane.send(length);
    const closed = lane.client.closed;
    for (const message of ended) {
      if (!(closed && message?.outcome.kind === "fatal")) this.record(lane, message);
    }
    if (closed) await this.#closed(lane);
    this.#checkDecoders();
    return true;
  }

  /** Only an oversize message may close a client; a model-followed one is replaced. */
  async #closed(lane: Lane): Promise<void> {
    const received = lane.client.messages.at(-1);
    assert.deepEqual(received, [{
      error: `message is larger than ${DEFAULT_MAX_MESSAGE_BYTES} bytes`,
    }]);
    assert.equal(lane.client.closeCount, 1);
    this.expected.get(lane.id)!.push(received);
    this.model.disconnect(lane.id);
    lane.drop();
    this.lanes.splice(this.lanes.indexOf(lane), 1);
    const role = this.all.find((joined) => joined.lane === lane)!.role;
    if (role === "hostile") {
      const next = await this.join("hostile", this.fuzz.pick(["fz", "__proto__", "constructor"]));
      hostileScript(this.fuzz, false).forEach((message) => next.push(message));
    }
  }

  #checkDecoders(): void {
    const { connections } = this.harness.server;
    for (const index of connections.indexes()) {
      const buffered = connections.pendingInputBytes(index);
      this.maxDecoderBytes = Math.max(this.maxDecoderBytes, buffered);
      assert.ok(
        buffered <= DEFAULT_MAX_MESSAGE_BYTES,
        `decoder of ${index} holds ${buffered} bytes`,
      );
    }
  }
}

async function fuzzOnce(seed: number): Promise<void> {
  const surface = prototypeSurface();
  const run = new FuzzRun(seed);
  const { fuzz } = run;
  for (const room of GOOD_ROOMS) {
    const lane = await run.join("good", room);
    for (let n = 0; n < GOOD_MESSAGES; n++) lane.push(goodMessage(fuzz));
  }
  const hostile = await run.join("hostile", "fz");
  hostileScript(fuzz, true).forEach((message) => hostile.push(message));
  const chaos = await run.join("garbage", "chaos");
  for (let n = 0; n < GARBAGE_READS; n++) chaos.push(undefined, garbage(fuzz));

  while (await run.step());

  // Everyone the model follows got exactly what the protocol says, in order.
  for (const { lane, role } of run.all) {
    assert.deepEqual(lane.client.malformed, [], `client ${lane.id} got bytes it cannot decode`);
    if (role === "garbage") continue;
    assertSameMessages(
      lane.client.messages,
      run.expected.get(lane.id)!,
      `${role} client ${lane.id}`,
    );
  }
  assert.ok(run.maxDecoderBytes > 0, "no read left half a message to hold");
  // The garbage sender got its goto answered, then nothing but errors.
  const [joined, ...answers] = chaos.client.messages;
  assert.deepEqual(joined, [{ code: "goto", key: "chaos", success: true }]);
  for (const answer of answers) {
    assert.ok(answer.length === 1 && typeof answer[0].error === "string", JSON.stringify(answer));
    assert.notEqual(answer[0].error, "internal error");
  }
  // The store holds exactly the model's states: nothing half-written, no refused batch's part.
  assert.deepEqual(run.store.keys().sort(), [...run.model.states.keys()].sort());
  for (const [key, state] of run.model.states) {
    assert.deepEqual(await run.store.get(key), state, `state of ${JSON.stringify(key)}`);
  }
  // The server still answers, and holds exactly the clients still connected.
  const live = run.lanes.map((lane) => lane.client.index);
  assert.deepEqual(run.harness.server.connections.indexes(), live);
  const probe = await run.harness.connect();
  await probe.send(GOOD_KEYS.map((key) => ({ code: "get", key })));
  assert.deepEqual(
    probe.take(),
    GOOD_KEYS.map((
      key,
    ) => [wire({ code: "get", key, success: true, state: run.model.states.get(key) ?? null })]),
  );
  assert.equal(prototypeSurface(), surface, "a built-in prototype was changed");
  assert.equal(({} as Record<string, JsonValue>).polluted, undefined);
  assert.deepEqual(run.errors, [], "the server logged errors");
}

test("fuzz: hostile bytes and messages, split at random, never disturb good clients", async () => {
  await forEachSeed(fuzzSeeds(60), 12_000, fuzzOnce);
});
