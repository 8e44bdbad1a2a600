/**
 * Boundary probes of the limit stories (`swarm_limits.ts`): a queue of exactly
 * `maxBufferedBytes`, what only the parser's value checks refuse, and a drain wait that must
 * be waited out in full.
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import type { Random } from "../engine/random.ts";
import type { Simulation } from "../engine/simulation.ts";

/**
 * "brim" stops reading, is sent one reply 54 bytes larger than its window (those stay
 * unsent), then asks, in one read, for four replies of 1010 or 1011 bytes (a key too long to
 * store is answered with an error that repeats it): its queue reaches exactly
 * `maxBufferedBytes`, which the cap allows. It reads again long before the slow-consumer
 * timeout.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application } from "../../mod.ts";
 * import { Random } from "../engine/random.ts";
 * import { Simulation } from "../engine/simulation.ts";
 * import { brim, drainProbe, odd } from "./limit_probes.ts";
 * const sim = new Simulation({ seed: 1, application: new Application({ storage: null }) });
 * brim(sim, (message) => JSON.stringify(message) + "\0", 4096);
 * assert.ok(sim.clients.some((client) => client.name === "brim"));
 * ```
 */
export function brim(
  sim: Simulation,
  frame: (message: Command | Command[]) => string,
  maxBufferedBytes: number,
): void {
  const window = 512;
  // A get of a key no one stored is answered with 54 bytes plus the key (zero byte included).
  const over = 54;
  const prefill: Command = { code: "get", key: "b-".padEnd(window + over - 54, "k") };
  // One of a key over 512 bytes, with 78 bytes plus the key.
  const rest = maxBufferedBytes - over;
  const sizes = [0, 1, 2, 3].map((n) => Math.floor(rest / 4) + (n < rest % 4 ? 1 : 0));
  const asked = sizes.map((size, n) => frame({ code: "get", key: `${n}-`.padEnd(size - 78, "k") }));
  // It comes once a few have gone (the server is full before), after the lobby's broadcast.
  const link = { windowBytes: window, highWaterMark: 0, fragmentRate: 0 };
  sim.client({ name: "brim", at: 60, link }).pauseReading(64).send(65, prefill)
    .send(75, asked.join("")).resumeReading(85)
    .send(140, { code: "get", key: "s-1" }).send(195, { code: "get", key: "s-2" });
}

/**
 * "odd" sends what only the parser's checks refuse: a message that is not UTF-8 between two
 * good ones in one read, numbers a double cannot carry (one just past 2^53, where integers
 * stop being exact, and one far past it), a command one level too deep, the key `__proto__`;
 * good commands between, so it is never cut for bad messages, one of them with the largest
 * exact integer (it must pass, and come back as sent). `random` draws the numbers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application } from "../../mod.ts";
 * import { Random } from "../engine/random.ts";
 * import { Simulation } from "../engine/simulation.ts";
 * import { brim, drainProbe, odd } from "./limit_probes.ts";
 * const sim = new Simulation({ seed: 1, application: new Application({ storage: null }) });
 * odd(sim, { n: 1 }, new Random(1));
 * assert.ok(sim.clients.some((client) => client.name === "odd"));
 * ```
 */
export function odd(sim: Simulation, deepest: Command, random: Random): void {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const good = (n: number) => `{"code":"get","key":"s-${n}"}\0`;
  const notUtf8 = Uint8Array.from([
    ...bytes('{"code":"get","key":"'),
    0xc3,
    0x28,
    ...bytes('"}\0'),
  ]);
  const read = new Uint8Array([...bytes(good(1)), ...notUtf8, ...bytes(good(2))]);
  // Integers by their decimal literal: past 2^53 a double rounds them (2^53 + 1 reads as 2^53).
  const exactLimit = 2n ** 53n;
  const sign = () => random.pick(["", "-"]);
  const justPast = `${sign()}${exactLimit + BigInt(random.int(0, 999))}`;
  const farPast = `${sign()}${exactLimit * BigInt(random.int(3, 5_000)) + 1n}`;
  const largestExact = `${sign()}${exactLimit - 1n - BigInt(random.int(0, 999))}`;
  sim.client({ name: "odd", at: 40, link: { fragmentRate: 0 } }).send(41, read)
    .send(60, '{"code":"get","key":"s-3","n":1e-400}\0')
    .send(75, `{"code":"get","key":"s-4","n":${justPast}}\0`)
    .send(90, { code: "get", key: "s-5", deep: { deeper: deepest } })
    .send(105, `{"code":"get","key":"s-6","n":${largestExact}}\0`)
    .send(120, '{"code":"get","key":"s-7","__proto__":{"x":1}}\0')
    .send(140, `{"code":"get","key":"s-8","n":${farPast}}\0`).send(190, good(9));
}

/**
 * Room r9: "quick" and "laggard" stop reading, then hear a save (its bytes stay unsent; no
 * one waits for them, as they were not unsent when written). The prober's next save reaches
 * both with bytes unsent: quick reads again at once and drains within a few ms, laggard reads
 * again only long after `drainWaitMs`, so the prober's next answer waits the whole
 * `drainWaitMs` (judged by drainWaitFloor).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Application } from "../../mod.ts";
 * import { Random } from "../engine/random.ts";
 * import { Simulation } from "../engine/simulation.ts";
 * import { brim, drainProbe, odd } from "./limit_probes.ts";
 * const sim = new Simulation({ seed: 1, application: new Application({ storage: null }) });
 * drainProbe(sim, new Random(1));
 * assert.ok(sim.clients.some((client) => client.name === "prober"));
 * ```
 */
export function drainProbe(sim: Simulation, random: Random): void {
  const reader = (name: string, at: number, resumeAt: number) =>
    sim.client({ name, link: { windowBytes: 64, highWaterMark: 0 } })
      .send(at, { code: "goto", key: "r9" }).pauseReading(10).resumeReading(resumeAt);
  reader("quick", 1, 32);
  reader("laggard", 2, 100);
  const text = random.pick(["ça va", "plain", "🎲"]).repeat(30);
  sim.client({ name: "prober" }).send(3, { code: "goto", key: "r9" })
    .send(20, { code: "save", key: "s-warm", state: { room: "r9", from: "prober", text } })
    .send(30, { code: "save", key: "s-probe", state: { room: "r9", from: "prober", text } })
    .send(31, { code: "get", key: "s-warm" });
}
