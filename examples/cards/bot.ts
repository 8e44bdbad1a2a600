/**
 * A player that needs no person: it answers the views it receives. For tests and the
 * simulator, which play many hands over many seeds.
 *
 * @module
 */
import type { Command } from "../../mod.ts";
import type { RandomSource } from "./random.ts";
import { type TableView, VIEW_CODE } from "./view.ts";

/** True for a command that is a view of a table (see `./view.ts`). */
export function isTableView(command: Command): command is TableView {
  return command.code === VIEW_CODE && typeof command.key === "string";
}

/**
 * What a bot does on receiving `command`: on its turn, fold once in `foldOneIn` times and
 * check otherwise; nothing when it is not its turn (or `command` is no view).
 *
 * @example
 * ```ts
 * import type { Command } from "../../mod.ts";
 * import { botMove } from "./bot.ts";
 * import { seededRandom } from "./random.ts";
 * declare const received: Command;
 * const move = botMove(received, seededRandom(1)); // a command to send, or undefined
 * ```
 */
export function botMove(
  command: Command,
  random: RandomSource,
  foldOneIn = 4,
): Command | undefined {
  if (!isTableView(command)) return undefined;
  const { hand, you, key } = command;
  if (!hand || hand.phase === "over" || you.seat === null || hand.turn !== you.seat) {
    return undefined;
  }
  return { code: random.int(foldOneIn) === 0 ? "fold" : "check", key };
}
