/**
 * A realistic, reproducible stream of client messages of the rooms protocol, for the parser
 * benchmark: mostly small `update`s, some `get`/`goto`, saves of dress-up and coloring states
 * (a few large), batches, Haxe clients' `command` spelling and non-ASCII text. Everything
 * comes from a seeded generator, so every run parses the same bytes.
 *
 * @module
 */

/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the same sequence.
 *
 * @example
 * ```ts
 * import { seededRandom } from "./message_stream.ts";
 * const random = seededRandom(42);
 * const n = random(); // in [0, 1)
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROOMS = ["dresser", "coloring", "lobby", "salon-7", "atelier", "garden-Zoë", "部屋"];
const NAMES = ["Anna", "Zoë", "Björn", "Łucja", "Ngọc", "Даша", "美咲", "Amélie 🎨"];

/** Messages (JSON text, without the zero byte) drawn from the rooms protocol's traffic. */
export function generateMessages(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const int = (below: number) => Math.floor(random() * below);
  const pick = <T>(items: readonly T[]) => items[int(items.length)];
  const verb = (code: string) => (random() < 0.2 ? { command: code } : { code });
  const key = () => pick(ROOMS);
  const command = (): Record<string, unknown> => {
    const roll = random();
    if (roll < 0.6) return { ...verb("update"), key: key(), index: int(300), value: int(1 << 24) };
    if (roll < 0.7) return { ...verb(pick(["get", "load"])), key: key() };
    if (roll < 0.75) return { ...verb("goto"), key: key() };
    if (roll < 0.9) {
      const items = Array.from({ length: 5 + int(40) }, () => int(200));
      return { ...verb(pick(["save", "set"])), key: key(), state: items };
    }
    if (roll < 0.97) {
      const profile = { name: pick(NAMES), level: int(50), colors: [int(1 << 24), int(1 << 24)] };
      return { ...verb("save"), key: `profile-${int(1000)}`, state: profile };
    }
    // A coloring page: one colour per region, a few kilobytes.
    const regions = Array.from({ length: 300 + int(700) }, () => int(1 << 24));
    return { ...verb("save"), key: "coloring", state: regions };
  };
  return Array.from({ length: count }, () => {
    if (random() < 0.05) return JSON.stringify(Array.from({ length: 2 + int(3) }, command));
    return JSON.stringify(command());
  });
}

/** The wire bytes of messages: each one UTF-8, followed by a zero byte. */
export function frame(messages: readonly string[]): Uint8Array {
  return new TextEncoder().encode(messages.map((message) => message + "\0").join(""));
}

/**
 * Cuts bytes into reads of random sizes, log-uniform from 1 byte to `maxChunk`, as TCP may
 * deliver them. Each chunk is a copy, as a transport's read is.
 */
export function chunk(bytes: Uint8Array, seed: number, maxChunk = 64 * 1024): Uint8Array[] {
  const random = seededRandom(seed);
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < bytes.length;) {
    const size = Math.max(1, Math.floor(Math.exp(random() * Math.log(maxChunk))));
    chunks.push(bytes.slice(start, start + size));
    start += size;
  }
  return chunks;
}
