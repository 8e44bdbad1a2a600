/**
 * Bugs planted in copies of the card game's controller, to show that the card scenario's
 * checks catch what they are for. Never use these outside tests and replays.
 *
 * @module
 */
import type { Command, CommandContext, Controller, Delivery, Result } from "../../mod.ts";
import { type CardsStorage, isTableView } from "../../examples/cards/mod.ts";

/** The planted bugs of the card scenario, by name, with what each does. */
export const CARDS_PLANTS = {
  "leaky-view":
    "every view carries every player's hole cards (hidden by the client, not the server)",
  "showdown-shows-folded": "the showdown shows the folded hands too",
  "lazy-timer": "the turn timer runs for twice its time",
  "no-timer": "the turn timer is never armed",
} as const;

/** The planted bugs of the card scenario with resumes (a hold), by name. */
export const CARDS_RESUME_PLANTS = {
  "resume-view-for-others":
    "the view a resumed player gets is the one built for the others: without their own cards",
} as const;

/** The name of a card scenario's plant. */
export type CardsPlant = keyof typeof CARDS_PLANTS;
/** The name of a plant of the card scenario with resumes. */
export type CardsResumePlant = keyof typeof CARDS_RESUME_PLANTS;

/**
 * `inner` with `plant` in it: its results rewritten on the way out (views given cards the
 * table's rule hides; timed commands stretched or dropped).
 *
 * @example
 * ```ts
 * import { createCardsController } from "../../examples/cards/mod.ts";
 * import { plantedCardsController } from "./cards_planted.ts";
 * const leaky = plantedCardsController(createCardsController(), "leaky-view");
 * ```
 */
export function plantedCardsController(
  inner: Controller<CardsStorage>,
  plant: CardsPlant | CardsResumePlant,
): Controller<CardsStorage> {
  const rewrite = (result: Result, storage: CardsStorage): Result =>
    result.flatMap(([indexes, commands]): Delivery[] => {
      const rewritten = commands.flatMap((command) => rewriteCommand(command, storage, plant));
      return rewritten.length === 0 ? [] : [[indexes, rewritten]];
    });
  return {
    async handleCommand(command: Command, context: CommandContext<CardsStorage>) {
      return rewrite(await inner.handleCommand(command, context), context.storage);
    },
    async onDisconnect(context: CommandContext<CardsStorage>) {
      return rewrite(await inner.onDisconnect?.(context) ?? [], context.storage);
    },
    async onHold(context: CommandContext<CardsStorage>) {
      return rewrite(await inner.onHold?.(context) ?? [], context.storage);
    },
    async onResume(context: CommandContext<CardsStorage>) {
      const result = rewrite(await inner.onResume?.(context) ?? [], context.storage);
      if (plant !== "resume-view-for-others") return result;
      return result.map(([indexes, commands]): Delivery => [
        indexes,
        commands.map((command) => withoutCards(command, context.index)),
      ]);
    },
  };
}

/** `command` as another player sees `viewer`'s hand: before a showdown, without its cards. */
function withoutCards(command: Command, viewer: number): Command {
  if (!isTableView(command) || !command.hand || command.hand.showdown) return command;
  const players = command.hand.players.map((player) => {
    if (player.index !== viewer) return player;
    const { cards: _hidden, ...rest } = player;
    return rest;
  });
  return { ...command, hand: { ...command.hand, players } };
}

function rewriteCommand(
  command: Command,
  storage: CardsStorage,
  plant: CardsPlant | CardsResumePlant,
): Command[] {
  if (typeof command.after_ms === "number") {
    if (plant === "no-timer") return [];
    if (plant === "lazy-timer") return [{ ...command, after_ms: command.after_ms * 2 }];
  }
  if (!isTableView(command) || !command.hand) return [command];
  const hand = storage.tables.get(command.key)?.hand;
  if (!hand || hand.number !== command.hand.number) return [command];
  const reveal = (folded: boolean) =>
    plant === "leaky-view" || (plant === "showdown-shows-folded" && hand.showdown && folded);
  const players = command.hand.players.map((player) => {
    const truth = hand.playerAt(player.seat);
    return truth && reveal(truth.folded) ? { ...player, cards: [...truth.cards] } : player;
  });
  return [{ ...command, hand: { ...command.hand, players } }];
}
