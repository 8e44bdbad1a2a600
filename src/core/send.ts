/**
 * The send path: how a result becomes bytes on connections.
 *
 * @module
 */
import type { Connection } from "./connection.ts";
import type { Command, Index, Result } from "./types.ts";

/** What the send path needs: who is connected, how to encode, and whom to drop. */
export interface SendTarget {
  /** The live connection of an index, or undefined for unknown and closed ones. */
  connectionOf(index: Index): Connection | undefined;
  /** Encodes one delivery's commands. */
  serialize(commands: readonly Command[]): Uint8Array;
  /** Called once per failed recipient; the server closes it and runs its onDisconnect. */
  fail(index: Index, error: unknown): void;
}

/**
 * Sends a result: serializes each delivery once, writes it to every recipient, and only then
 * awaits all the recipients' drains together, so that a slow reader never holds back the
 * others. A recipient whose write or drain fails is reported to `fail` and skipped; it never
 * disturbs the rest. The returned promise never rejects.
 *
 * @example
 * ```ts
 * import { JsonParser, sendResult } from "../../mod.ts";
 * const parser = new JsonParser();
 * const written: string[] = [];
 * const connection = {
 *   bufferedBytes: 0,
 *   write: (bytes: Uint8Array) => void written.push(new TextDecoder().decode(bytes)),
 *   drain: async () => {},
 *   close: async () => {},
 * };
 * await sendResult([[[1], [{ code: "hi" }]]], {
 *   connectionOf: (index) => index === 1 ? connection : undefined,
 *   serialize: (commands) => parser.serialize(commands),
 *   fail: () => {},
 * });
 * // written is ['[{"code":"hi"}]\0']
 * ```
 */
export function sendResult(result: Result, target: SendTarget): Promise<void> {
  // Only the recipients with something queued are waited for, each once: in a room that keeps
  // up that is nobody, and a broadcast costs no bookkeeping per recipient.
  let queued: Map<Index, Connection> | undefined;
  for (const [indexes, commands] of result) {
    if (indexes.length === 0 || commands.length === 0) continue;
    const bytes = target.serialize(commands);
    for (const index of indexes) {
      const connection = target.connectionOf(index);
      if (!connection) continue;
      try {
        connection.write(bytes);
      } catch (error) {
        queued?.delete(index);
        target.fail(index, error);
        continue;
      }
      if (connection.bufferedBytes > 0) (queued ??= new Map()).set(index, connection);
    }
  }
  if (queued === undefined) return Promise.resolve();
  const drains = [...queued].map(([index, connection]) =>
    connection.drain().catch((error) => target.fail(index, error))
  );
  return Promise.all(drains).then(() => {});
}
