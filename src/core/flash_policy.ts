/**
 * The answer to legacy Flash clients' `<policy-file-request/>`, sent before they may connect.
 *
 * @module
 */
import type { Connection } from "./connection.ts";

/** What legacy Flash clients expect in answer to `<policy-file-request/>`. */
export const FLASH_POLICY =
  '<cross-domain-policy><allow-access-from domain="*" to-ports="*"/></cross-domain-policy>';

/**
 * The bytes of the policy a server answers with (ended by a zero byte): `FLASH_POLICY` when
 * `option` is undefined, none when it is null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FLASH_POLICY, flashPolicyBytes } from "../../mod.ts";
 * assert.equal(new TextDecoder().decode(flashPolicyBytes(undefined)!), FLASH_POLICY + "\0");
 * assert.equal(flashPolicyBytes(null), null);
 * ```
 */
export function flashPolicyBytes(option: string | null | undefined): Uint8Array | null {
  const policy = option === undefined ? FLASH_POLICY : option;
  return policy === null ? null : new TextEncoder().encode(policy + "\0");
}

/**
 * Writes the policy and waits until it is taken; resolves with the failure, if any, rather
 * than rejecting, since the connection is closed next either way.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { answerFlashPolicy } from "../../mod.ts";
 * const sent: Uint8Array[] = [];
 * const connection = {
 *   bufferedBytes: 0,
 *   write: (bytes: Uint8Array) => void sent.push(bytes),
 *   drain: () => Promise.resolve(),
 *   close: () => Promise.resolve(),
 * };
 * assert.equal(await answerFlashPolicy(connection, new Uint8Array([0])), undefined);
 * assert.equal(sent.length, 1);
 * ```
 */
export async function answerFlashPolicy(
  connection: Connection,
  policy: Uint8Array,
): Promise<unknown> {
  try {
    connection.write(policy);
    await connection.drain();
  } catch (error) {
    return error ?? "failed";
  }
}
