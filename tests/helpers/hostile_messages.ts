/**
 * Messages a faulty or hostile client sends, each with what the server must make of it: bad
 * bytes, bad JSON, bad shapes, numbers out of range, deep nesting, prototype keys, oversize
 * messages; and valid but tricky commands, whose outcome the rooms model says.
 */
import { Buffer } from "node:buffer";
import {
  type Command,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_MESSAGE_BYTES,
  EMPTY_BATCH,
} from "../../mod.ts";
import type { Fuzz } from "./fuzz_random.ts";

/** What the server must make of a message. */
export type Outcome =
  /** Well-formed: its commands run, and the rooms model says what they answer. */
  | { readonly kind: "commands"; readonly commands: Command[] }
  /** Refused whole: the sender alone gets `[{"error": error}]`, nothing else happens. */
  | { readonly kind: "refused"; readonly error: string }
  /** Refused, then the connection is closed. */
  | { readonly kind: "fatal"; readonly error: string };

/** One message as bytes on the wire (its zero byte included, unless it never ends). */
export interface WireMessage {
  readonly bytes: Uint8Array;
  readonly outcome: Outcome;
  /** What kind of message it is, for failure messages. */
  readonly what: string;
}

const encoder = new TextEncoder();
const NOT_JSON = "message is not valid JSON";
const NOT_UTF8 = "message is not valid UTF-8";
const NOT_COMMANDS = "a message must be a command object or an array of command objects";
const OUT_OF_RANGE = "a number is out of range";
const UNDERFLOW = "a number is out of range (too close to zero)";
const NOT_EXACT = "an integer is beyond 2^53 and cannot be kept exactly";
const TOO_DEEP = `a command is nested deeper than ${DEFAULT_MAX_DEPTH} levels`;
const PROTO_KEY = 'the key "__proto__" is not allowed';
const TOO_LARGE = `message is larger than ${DEFAULT_MAX_MESSAGE_BYTES} bytes`;

/** Keys and rooms of the hostile clients: none is a good client's. */
export const HOSTILE_KEYS = [
  "fz",
  "fz-list",
  "constructor",
  "prototype",
  "__proto__",
  "toString",
  "hasOwnProperty",
  "",
  "ключ",
  "🎲",
];

/** A message made of JSON text (plus its zero byte), whose outcome follows from the text. */
export function textMessage(text: string, what: string, outcome?: Outcome): WireMessage {
  return {
    bytes: encoder.encode(text + "\0"),
    outcome: outcome ?? commandsOf(text),
    what,
  };
}

function commandsOf(text: string): Outcome {
  const value = JSON.parse(text) as Command | Command[];
  return { kind: "commands", commands: Array.isArray(value) ? value : [value] };
}

function refused(text: string | Uint8Array, what: string, error: string): WireMessage {
  const bytes = typeof text === "string" ? encoder.encode(text) : text;
  return {
    bytes: Buffer.concat([bytes, Uint8Array.of(0)]),
    outcome: { kind: "refused", error },
    what,
  };
}

/** Nesting `levels` arrays or objects deep around `inner`, as text. */
function nested(levels: number, inner: string, objects: boolean): string {
  return (objects ? '{"a":' : "[").repeat(levels) + inner + (objects ? "}" : "]").repeat(levels);
}

/**
 * A state of tricky but valid JSON: prototype-named keys, odd numbers, non-ASCII, nesting up
 * to `levels` (an update's value is stored one level down, in its list).
 */
function trickyState(fuzz: Fuzz, levels = DEFAULT_MAX_DEPTH - 1): string {
  return fuzz.pick([
    () => '{"constructor":{"prototype":{"polluted":true}}}',
    () => '{"prototype":{"isAdmin":true},"toString":1,"valueOf":"x","hasOwnProperty":null}',
    () => "[1.7976931348623157e308,-1.7976931348623157e308,5e-324,-0,1.2345678901234568e+29]",
    () => '"Zoë 🎨 部屋 \\u0000 \\ud83c\\udfb2 \\ud800"',
    () => nested(levels, "7", fuzz.chance(0.5)), // the deepest allowed
    () => JSON.stringify({ pad: "é".repeat(fuzz.int(0, 300)) }),
    () => String(fuzz.int(-5, 5)),
  ])();
}

/** A valid command (possibly refused by the rooms protocol) from the hostile repertoire. */
export function trickyCommand(fuzz: Fuzz): string {
  const key = JSON.stringify(fuzz.pick(HOSTILE_KEYS));
  const verb = fuzz.chance(0.2) ? '"command"' : '"code"';
  return fuzz.pick([
    () => `{${verb}:"save","key":${key},"state":${trickyState(fuzz)}}`,
    () =>
      `{${verb}:"update","key":${key},"index":${fuzz.int(0, 40)},"value":${
        trickyState(fuzz, DEFAULT_MAX_DEPTH - 2)
      }}`,
    () => {
      const index = fuzz.pick(["-1", "1.5", "true", '"2"', "null", "10000", "1e308", "9999"]);
      return `{${verb}:"update","key":${key},"index":${index},"value":1}`;
    },
    () => `{${verb}:"update","key":${key},"value":1}`,
    () => `{${verb}:"save","key":${key}}`,
    () => `{${verb}:"${fuzz.pick(["get", "load"])}","key":${key}}`,
    () => `{${verb}:"goto","key":${key}}`,
    () => `{${verb}:${JSON.stringify(fuzz.pick(["__proto__", "constructor", "toString", ""]))}}`,
    () => `{${verb}:${fuzz.pick(["5", "null", '["save"]', "{}"])},"key":${key}}`,
    () => `{"key":${key},"state":1}`,
    () => `{${verb}:"get","key":${fuzz.pick(["5", "null", "{}", "[]"])}}`,
  ])();
}

/** A hostile command that the parser refuses, with its error. */
function refusedCommand(fuzz: Fuzz): [text: string, error: string] {
  const huge = () => fuzz.pick(["1e400", "-1e400", "1E999", "9".repeat(fuzz.int(310, 2000))]);
  const proto = () => fuzz.pick(['"__proto__"', '"\\u005f_proto__"', '"__pro\\u0074o__"']);
  const depth = fuzz.int(1, DEFAULT_MAX_DEPTH - 2);
  return fuzz.pick<() => [string, string]>([
    () => [`{"code":"save","key":"fz","state":${huge()}}`, OUT_OF_RANGE],
    () => [`{"code":"save","key":"fz","state":[0,${fuzz.pick(["1e-400", "-4E-999"])}]}`, UNDERFLOW],
    () => [
      `{"code":"save","key":"fz","state":${
        fuzz.pick(["2" + "0".repeat(16), "-9007199254740993"])
      }}`,
      NOT_EXACT,
    ],
    () => [`{"code":"update","key":"fz-list","index":${huge()},"value":1}`, OUT_OF_RANGE],
    () => [
      `{"code":"save","key":"fz","state":${nested(depth, `[${huge()}]`, false)}}`,
      OUT_OF_RANGE,
    ],
    () => {
      const levels = fuzz.int(DEFAULT_MAX_DEPTH, 30_000);
      return [`{"code":"save","key":"fz","state":${nested(levels, "1", false)}}`, TOO_DEEP];
    },
    () => {
      const levels = fuzz.int(DEFAULT_MAX_DEPTH, 10_000);
      return [`{"code":"save","key":"fz","state":${nested(levels, "1", true)}}`, TOO_DEEP];
    },
    () => [`{${proto()}:{"polluted":true},"code":"get","key":"fz"}`, PROTO_KEY],
    () => {
      const inner = `{${proto()}:{"polluted":true}}`;
      return [
        `{"code":"save","key":"fz","state":${nested(depth, inner, fuzz.chance(0.5))}}`,
        PROTO_KEY,
      ];
    },
  ])();
}

/** Every kind of bad message, each a maker; a run sends each at least once. */
export const HOSTILE_KINDS: Record<string, (fuzz: Fuzz) => WireMessage> = {
  truncated(fuzz) {
    const points = Array.from(trickyCommand(fuzz));
    return refused(points.slice(0, fuzz.int(1, points.length - 1)).join(""), "truncated", NOT_JSON);
  },
  "invalid UTF-8"(fuzz) {
    const bad = fuzz.pick([[0xff], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [
      0xf4,
      0x90,
      0x80,
      0x80,
    ], [0xfe, 0xfe, 0xff, 0xff]]);
    const head = encoder.encode('{"code":"save","key":"fz","state":"abc');
    return refused(
      Buffer.concat([head, Uint8Array.from(bad), encoder.encode('"}')]),
      "utf8",
      NOT_UTF8,
    );
  },
  "not a command"(fuzz) {
    const text = fuzz.pick([
      "1",
      "-0",
      '"save"',
      "null",
      "true",
      "[1]",
      "[[]]",
      "[null]",
      '[{"code":"get","key":"fz"},2]',
      "1e400",
    ]);
    return refused(text, `not a command: ${text}`, NOT_COMMANDS);
  },
  "not JSON"(fuzz) {
    const text = fuzz.pick([
      "",
      "   ",
      "{",
      "}",
      "{'code':'get'}",
      "{code:1}",
      "[1,]",
      "NaN",
      "\t\n",
    ]);
    return refused(text, `not JSON: ${JSON.stringify(text)}`, NOT_JSON);
  },
  "refused command"(fuzz) {
    const [text, error] = refusedCommand(fuzz);
    return refused(text, `refused: ${text.slice(0, 60)}`, error);
  },
  "batch with one bad command"(fuzz) {
    // Refused whole: the valid save before the bad command must not be stored.
    const [bad, error] = refusedCommand(fuzz);
    const witness = `{"code":"save","key":"witness","state":${fuzz.int(1, 1e6)}}`;
    return refused(`[${witness},${bad}]`, "bad batch", error);
  },
  "empty batch"() {
    return refused("[]", "empty batch", EMPTY_BATCH);
  },
  "exactly the size limit"(fuzz) {
    const gets = Array.from({ length: fuzz.int(1, 20) }, () => {
      return `{"code":"get","key":${JSON.stringify(fuzz.pick(HOSTILE_KEYS))}}`;
    });
    const text = `[${gets.join(",")}]`;
    const padded = text + " ".repeat(DEFAULT_MAX_MESSAGE_BYTES - encoder.encode(text).length);
    return textMessage(padded, "exactly the size limit");
  },
};

/** A message one byte over the size limit, or far over it and never ended. */
export function oversize(fuzz: Fuzz): WireMessage {
  const length = fuzz.pick([DEFAULT_MAX_MESSAGE_BYTES + 1, fuzz.int(70_000, 200_000)]);
  const head = '{"code":"save","key":"fz","state":"';
  const text = `${head}${"x".repeat(length - head.length - 2)}"}`;
  const ended = fuzz.chance(0.5);
  return {
    bytes: encoder.encode(ended ? text + "\0" : text),
    outcome: { kind: "fatal", error: TOO_LARGE },
    what: `oversize (${ended ? "ended" : "never ended"})`,
  };
}

/**
 * Garbage that can never carry a verb (it has no `code` or `command` field), so whatever the
 * server makes of it, the answer is an error: random bytes, and soup of JSON tokens.
 */
export function garbage(fuzz: Fuzz): Uint8Array {
  if (fuzz.chance(0.3)) return fuzz.bytes(fuzz.int(1, 600));
  const tokens = [
    "{",
    "}",
    "[",
    "]",
    '"',
    ":",
    ",",
    "\\",
    "\0",
    "1e400",
    "-0",
    "null",
    '"__proto__"',
    '"constructor"',
    '"prototype"',
    '"key"',
    '"state"',
    '"x"',
    "\u00e9",
    "\ud83c\udfb2",
    " ",
    "[".repeat(40),
  ];
  const text = Array.from({ length: fuzz.int(1, 80) }, () => fuzz.pick(tokens)).join("");
  return encoder.encode(text);
}
