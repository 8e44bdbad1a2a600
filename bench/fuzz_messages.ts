/**
 * What the million-message fuzzer sends: valid commands of the rooms game, and mutations of
 * them (byte flips, truncation, splicing, deep nesting, huge numbers, bad UTF-8, empty frames,
 * batches, random bytes), each with its zero byte or without it. Seeded, so a run replays.
 *
 * @module
 */
import { type RandomSource, seededRandom } from "../examples/cards/random.ts";

const encoder = new TextEncoder();

/** Seeded draws. */
export class Draw {
  readonly #source: RandomSource;
  constructor(seed: number) {
    this.#source = seededRandom(seed);
  }
  /** An integer in [0, below). */
  below(below: number): number {
    return this.#source.int(below);
  }
  chance(p: number): boolean {
    return this.#source.int(1_000_000) < p * 1_000_000;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.#source.int(items.length)];
  }
}

const KEYS = ["dresser", "coloring", "list", "room-a", "room-b", "é日🎲", "__proto__", ""];
const NUMBERS = ["1e400", "-1e400", "1e-400", "9007199254740993", "-0", "0.1", "1e308", "42"];

/** One valid command of the rooms game, as JSON text. */
export function validCommand(draw: Draw): string {
  const verb = draw.chance(0.2) ? "command" : "code";
  const key = JSON.stringify(draw.pick(KEYS));
  switch (draw.below(6)) {
    case 0:
      return `{"${verb}":"goto","key":${key}}`;
    case 1:
      return `{"${verb}":"${draw.pick(["get", "load"])}","key":${key}}`;
    case 2:
    case 3: {
      const state = draw.chance(0.5)
        ? JSON.stringify(Array.from({ length: draw.below(40) }, () => draw.below(1 << 24)))
        : JSON.stringify({ name: draw.pick(["Anna", "Zoë", "美咲"]), n: draw.below(1000) });
      return `{"${verb}":"${draw.pick(["set", "save"])}","key":${key},"state":${state}}`;
    }
    default:
      return `{"${verb}":"update","key":"list","index":${draw.below(60)},"value":${
        draw.below(100)
      }}`;
  }
}

/** The kinds of message the fuzzer sends, each a function of the draw. */
export const KINDS: Record<string, (draw: Draw) => Uint8Array> = {
  valid: (draw) => framed(validCommand(draw)),
  batch: (draw) =>
    framed(`[${Array.from({ length: 1 + draw.below(8) }, () => validCommand(draw)).join(",")}]`),
  emptyBatch: () => framed("[]"),
  emptyFrame: () => new Uint8Array([0]),
  byteFlips: (draw) => {
    const bytes = framed(validCommand(draw));
    for (let n = 1 + draw.below(4); n > 0; n--) bytes[draw.below(bytes.length)] = draw.below(256);
    return bytes;
  },
  truncated: (draw) => {
    const bytes = framed(validCommand(draw));
    return bytes.slice(0, 1 + draw.below(bytes.length - 1)); // without its zero byte
  },
  spliced: (draw) => {
    const a = encoder.encode(validCommand(draw));
    const b = encoder.encode(validCommand(draw));
    return join(a.subarray(0, draw.below(a.length)), b.subarray(draw.below(b.length)), [0]);
  },
  deepNesting: (draw) => {
    const depth = 20 + draw.below(40);
    const value = "[".repeat(depth) + "1" + "]".repeat(depth);
    return framed(`{"code":"update","key":"list","index":0,"value":${value}}`);
  },
  hugeNumbers: (draw) =>
    framed(`{"code":"save","key":"n","state":[${draw.pick(NUMBERS)},${draw.pick(NUMBERS)}]}`),
  badUtf8: (draw) => {
    const bad = draw.pick([[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]]);
    return join(encoder.encode('{"code":"save","key":"'), bad, encoder.encode('","state":1}'), [0]);
  },
  protoKey: () => framed('{"code":"save","key":"p","state":{"__proto__":{"x":1}}}'),
  notCommands: (draw) => framed(draw.pick(["1", '"x"', "null", "[1,2]", "true", "{", "[[]]"])),
  randomBytes: (draw) => Uint8Array.from({ length: 1 + draw.below(64) }, () => draw.below(256)),
  bigState: (draw) =>
    framed(`{"code":"save","key":"big","state":"${"x".repeat(50_000 + draw.below(20_000))}"}`),
};

/** How often each kind is drawn, in parts of the whole. */
const WEIGHTS: Record<keyof typeof KINDS, number> = {
  valid: 40,
  batch: 8,
  emptyBatch: 2,
  emptyFrame: 3,
  byteFlips: 12,
  truncated: 6,
  spliced: 6,
  deepNesting: 3,
  hugeNumbers: 4,
  badUtf8: 4,
  protoKey: 2,
  notCommands: 4,
  randomBytes: 5,
  bigState: 0.05,
};
const TABLE = Object.entries(WEIGHTS).flatMap(([kind, weight]) =>
  Array(Math.max(1, Math.round(weight * 20))).fill(kind) as string[]
);

/** One message of a random kind, and its kind. */
export function message(draw: Draw): { kind: string; bytes: Uint8Array } {
  const kind = draw.pick(TABLE);
  return { kind, bytes: KINDS[kind](draw) };
}

function framed(text: string): Uint8Array {
  return encoder.encode(text + "\0");
}

function join(...parts: ArrayLike<number>[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}
