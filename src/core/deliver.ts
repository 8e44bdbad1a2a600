/**
 * The delivery path: how a result becomes bytes on connections.
 *
 * @module
 */
import type { Connection } from "./connection.ts";
import type { Command, Index, Result } from "./types.ts";

/** What delivering needs: who is connected, how to encode, and whom to drop. */
export interface Recipients {
  /** The live connection of an index, or undefined for unknown and closed ones. */
  connectionOf(index: Index): Connection | undefined;
  /** Encodes one delivery's commands. */
  serialize(commands: readonly Command[]): Uint8Array;
  /** Called once per failed recipient; the server closes it and runs its onDisconnect. */
  fail(index: Index, error: unknown): void;
}

/** The delivery path's signature, replaceable for tests that plant faults in it. */
export type DeliverPath = (result: Result, recipients: Recipients) => Promise<void>;

/**
 * Delivers a result: serializes each delivery once, writes it to every recipient, and only
 * then awaits the drains of the recipients that have bytes unsent, all together, so that a
 * slow reader never holds back the others. A recipient whose write or drain fails is
 * reported to `fail` and skipped; it never disturbs the rest. The returned promise never
 * rejects.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deliverResult, JsonParser } from "../../mod.ts";
 * const parser = new JsonParser();
 * const written: string[] = [];
 * const connection = {
 *   bufferedBytes: 0,
 *   write: (bytes: Uint8Array) => void written.push(new TextDecoder().decode(bytes)),
 *   drain: async () => {},
 *   close: async () => {},
 * };
 * await deliverResult([[[1, 2], [{ code: "hi" }]]], {
 *   connectionOf: (index) => index === 1 ? connection : undefined,
 *   serialize: (commands) => parser.serialize(commands),
 *   fail: () => {},
 * });
 * assert.deepEqual(written, ['[{"code":"hi"}]\0']);
 * ```
 */
export function deliverResult(result: Result, recipients: Recipients): Promise<void> {
  // Only the recipients with something unsent are waited for, each once: in a room that
  // keeps up that is nobody, and a broadcast costs no bookkeeping per recipient.
  let unsent: Map<Index, Connection> | undefined;
  for (const [indexes, commands] of result) {
    if (indexes.length === 0 || commands.length === 0) continue;
    const bytes = recipients.serialize(commands);
    for (const index of indexes) {
      const connection = recipients.connectionOf(index);
      if (!connection) continue;
      try {
        connection.write(bytes);
      } catch (error) {
        unsent?.delete(index);
        recipients.fail(index, error);
        continue;
      }
      if (connection.bufferedBytes > 0) (unsent ??= new Map()).set(index, connection);
    }
  }
  if (unsent === undefined) return Promise.resolve();
  const drains = [...unsent].map(([index, connection]) =>
    connection.drain().catch((error) => recipients.fail(index, error))
  );
  return Promise.all(drains).then(() => {});
}

/**
 * Writes what a closing connection should still hear, if it can: a connection already gone
 * is left alone.
 *
 * @example
 * ```ts
 * import { tryWrite } from "../../mod.ts";
 * const gone = {
 *   bufferedBytes: 0,
 *   write: () => {
 *     throw new Error("closed");
 *   },
 *   drain: async () => {},
 *   close: async () => {},
 * };
 * tryWrite(gone, new Uint8Array([0])); // does not throw
 * ```
 */
export function tryWrite(connection: Connection, bytes: Uint8Array): void {
  try {
    connection.write(bytes);
  } catch {
    // Gone already: closing is all that is left to do.
  }
}
