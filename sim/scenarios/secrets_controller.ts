/**
 * A small controller with hidden information, for scenarios: each index gets a secret that
 * only it may ever see, and may tell its room something harmless about it.
 *
 * @module
 */
import { CommandError, type Controller, deliver, type Index } from "../../mod.ts";
import type { RoomsStorage } from "../../examples/rooms/mod.ts";
import { fnv1a, hex32 } from "../engine/hash.ts";

/** The secrets controller, and every secret it ever gave. */
export interface SecretsController extends Controller<RoomsStorage> {
  /** The secret given to `index` (kept after it leaves, for the checks). */
  secretOf(index: Index): string | undefined;
}

/**
 * Handles key `secret`: on connect it tells each index its secret; code `peek` repeats it to
 * the sender; code `hint` tells the sender's audience (its room, or everyone) the secret's
 * length, never the secret. Secrets are tokens (`secret-<hash>-<index>-end`) that appear
 * nowhere else, so finding one in another index's bytes is a leak.
 *
 * @example
 * ```ts
 * import { createSecretsController } from "./secrets_controller.ts";
 * const secrets = createSecretsController("salt");
 * ```
 */
export function createSecretsController(salt: string): SecretsController {
  const secrets = new Map<Index, string>();
  return {
    secretOf: (index) => secrets.get(index),
    onConnect({ index }) {
      const secret = `secret-${hex32(fnv1a(`${salt}:${index}`))}-${index}-end`;
      secrets.set(index, secret);
      return deliver([index], { code: "secret", key: "secret", secret });
    },
    handleCommand(command, { index, storage }) {
      const secret = secrets.get(index) ?? "";
      if (command.code === "peek") return deliver([index], { ...command, secret, success: true });
      if (command.code === "hint") {
        return deliver(storage.rooms.audienceOf(index), {
          ...command,
          from: index,
          length: secret.length,
        });
      }
      throw new CommandError("unknown code");
    },
  };
}
