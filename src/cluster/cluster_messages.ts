/**
 * The messages the processes of a cluster send each other on the {@linkcode Bus}: from a
 * player's process to a room's owner (attach, commands, bye), back (deliveries, closed), and
 * pings both ways.
 *
 * @module
 */
import type { JsonValue } from "../core/types.ts";

/**
 * One message between processes. `c` is the player's index on the process holding its
 * socket, `a` the number of its attachment there (one per room it was attached to), so a
 * message about an earlier attachment is told from one about the current. `room` is null for
 * a player attached to its own process without a room. `m` is a message of the wire as text
 * (JSON, without its zero byte): the player's commands, or what the owner wrote to it.
 */
export type ClusterMessage =
  | { k: "attach"; c: number; a: number; room: string | null; fence: number }
  | { k: "cmd"; c: number; a: number; m: string }
  | { k: "bye"; c: number; a: number }
  | { k: "out" } & OutEntry
  | { k: "outs"; o: OutEntry[] }
  | { k: "closed"; c: number; a: number; reason: string }
  | { k: "ping" };

/** One delivery of an owner to one player: `out` alone, or one of `outs` (in order). */
export interface OutEntry {
  c: number;
  a: number;
  room: string | null;
  fence: number;
  m: string;
}

type Fields = Record<string, "count" | "text" | "room" | "outs">;
const OUT: Fields = { c: "count", a: "count", room: "room", fence: "count", m: "text" };
const FIELDS: Record<ClusterMessage["k"], Fields> = {
  attach: { c: "count", a: "count", room: "room", fence: "count" },
  cmd: { c: "count", a: "count", m: "text" },
  bye: { c: "count", a: "count" },
  out: OUT,
  outs: { o: "outs" },
  closed: { c: "count", a: "count", reason: "text" },
  ping: {},
};

/**
 * The message `body` is, or undefined when it is none (a process of another version, or
 * garbage on the channel): each kind's fields are checked, so the handlers trust them.
 *
 * @example
 * ```ts
 * import { parseClusterMessage } from "./cluster_messages.ts";
 * const bye = parseClusterMessage({ k: "bye", c: 3, a: 1 });
 * if (bye?.k !== "bye" || bye.c !== 3) throw new Error("a bye");
 * if (parseClusterMessage({ k: "bye", c: "3", a: 1 }) !== undefined) throw new Error("bad c");
 * if (parseClusterMessage({ k: "shout" }) !== undefined) throw new Error("unknown kind");
 * if (parseClusterMessage({ k: "outs", o: [{ c: 1 }] }) !== undefined) throw new Error("an out");
 * ```
 */
export function parseClusterMessage(body: JsonValue): ClusterMessage | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const kind = body.k;
  if (typeof kind !== "string" || !Object.hasOwn(FIELDS, kind)) return undefined;
  return fits(body, FIELDS[kind as ClusterMessage["k"]])
    ? body as unknown as ClusterMessage
    : undefined;
}

function fits(body: { [field: string]: JsonValue }, fields: Fields): boolean {
  return Object.entries(fields).every(([field, type]) => {
    const value = body[field];
    if (type === "count") return Number.isSafeInteger(value) && (value as number) >= 0;
    if (type === "text") return typeof value === "string";
    if (type === "room") return value === null || typeof value === "string";
    return Array.isArray(value) &&
      value.every((entry) =>
        typeof entry === "object" && entry !== null && !Array.isArray(entry) && fits(entry, OUT)
      );
  });
}

/**
 * The messages of the wire in `bytes` (each ended by a zero byte), as text: what a remote
 * connection sends on. A write holds whole messages; a trailing part without its zero byte is
 * kept too, so nothing written is lost.
 *
 * @example
 * ```ts
 * import { wireMessages } from "./cluster_messages.ts";
 * const bytes = new TextEncoder().encode('[{"code":"a"}]\0[{"code":"b"}]\0');
 * const texts = wireMessages(bytes);
 * if (texts.join("|") !== '[{"code":"a"}]|[{"code":"b"}]') throw new Error(texts.join("|"));
 * ```
 */
export function wireMessages(bytes: Uint8Array): string[] {
  const text = new TextDecoder().decode(bytes);
  const parts = text.split("\0");
  if (parts[parts.length - 1] === "") parts.pop();
  return parts;
}
