/**
 * Frame opcodes of RFC 6455 section 5.2.
 *
 * @module
 */

/**
 * The opcodes defined by RFC 6455; 3-7 and 11-15 are reserved.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isControlOpcode, Opcode } from "./opcode.ts";
 * assert.equal(Opcode.Binary, 2);
 * assert.equal(isControlOpcode(Opcode.Ping), true);
 * ```
 */
export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;

/**
 * Whether an opcode is a control frame's (high bit of the nibble set): close, ping, pong and
 * the reserved 11-15.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isControlOpcode } from "./opcode.ts";
 * assert.equal(isControlOpcode(0x1), false);
 * assert.equal(isControlOpcode(0xb), true);
 * ```
 */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}
