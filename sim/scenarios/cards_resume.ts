/**
 * The card table served with a hold, under the simulator: players drop mid-hand and a
 * successor resumes their seat (within the hold, or too late), what the card scenario adds
 * when asked for resumes.
 *
 * @module
 */
import type { Command, ServerOptions } from "../../mod.ts";
import {
  type CardsStorage,
  isTableView,
  type TableView,
  viewFor,
} from "../../examples/cards/mod.ts";
import type { SimClient } from "../engine/client.ts";
import type { Invariant } from "../engine/invariant.ts";
import type { Random } from "../engine/random.ts";
import type { Simulation } from "../engine/simulation.ts";
import {
  differs,
  freshAfterResume,
  hiddenAcrossResumes,
  resumeViews,
  type ResumeViewsOptions,
} from "../invariants/resume_invariants.ts";
import { identities, tokensOf, tokensPrivate } from "../invariants/session_invariants.ts";
import { holeCardRule } from "./cards_invariants.ts";
import type { LoggedHooks } from "./resume_log.ts";

/** The server options of a card table with a hold: 300 to 1500 ms, tokens from the seed. */
export function holdOptions(random: Random): Pick<ServerOptions, "holdMs" | "random"> {
  const holdMs = random.int(300, 1_500);
  const tokens = random.fork();
  return {
    holdMs,
    random: (bytes) => bytes.forEach((_, k) => (bytes[k] = tokens.uint32() & 0xff)),
  };
}

/** A fresh look at a seat: the table as the player may see it, and their own cards. */
interface FreshSeat {
  readonly view: TableView;
  /** The hole cards the hand deals them and they still hold (not folded); else null. */
  readonly own: readonly string[] | null;
}

/**
 * The resume view of the card table: the view after a resume is the table as its player may
 * see it at that moment (`viewFor`, the pure rule, on the table's state), and it holds their
 * own hole cards, taken from the hand itself, whenever they are still in it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createCardsStorage } from "../../examples/cards/mod.ts";
 * import { cardsResumeView } from "./cards_resume.ts";
 * assert.equal(cardsResumeView(createCardsStorage(), "t1").freshView(1), undefined);
 * ```
 */
export function cardsResumeView(storage: CardsStorage, key: string): ResumeViewsOptions<FreshSeat> {
  return {
    freshView(index) {
      const table = storage.tables.get(key);
      if (!table || storage.tableOf.get(index) !== key) return undefined;
      const player = table.hand?.playerOf(index);
      const own = player && !player.folded ? [...player.cards] : null;
      return { view: { ...viewFor(table, index, []), events: [] }, own };
    },
    judge(commands, fresh) {
      const view = commands.find((command) => isTableView(command) && command.key === key);
      if (!view) return differs(undefined, fresh.view);
      const seen = view as TableView;
      const index = fresh.view.you.index;
      const mine = seen.hand?.players.find((player) => player.index === index)?.cards ?? null;
      if (JSON.stringify(mine) !== JSON.stringify(fresh.own)) {
        return `its view after the resume shows ${JSON.stringify(mine)} as its own hole cards;` +
          ` the hand dealt it ${JSON.stringify(fresh.own)}`;
      }
      return differs({ ...seen, events: [] }, fresh.view);
    },
  };
}

/**
 * The invariants of the card table with a hold (per-index delivery and hook pairs do not
 * apply: a resumed connection is another index's): hole cards hidden across resumes, tokens
 * private, identities, nothing stale after a resume, the resume view. `log` is read after
 * the run has begun (the application that logs is made then).
 */
export function resumeInvariants(
  storage: CardsStorage,
  key: string,
  log: () => LoggedHooks,
): Invariant[] {
  return [
    hiddenAcrossResumes(holeCardRule(storage, key)),
    tokensPrivate(),
    identities(() => log().calls, () => log().heldWhileRegistered),
    freshAfterResume(),
    resumeViews(cardsResumeView(storage, key)),
  ];
}

/** How a bot starts: at once (join, sit, ready), or by resuming `from`'s last token. */
export type BotStart = { readonly resumeFrom?: SimClient };

/** What a bot that resumes does on `commands`: resume first; sit down anew if refused. */
export function resumeSteps(
  commands: readonly Command[],
  self: SimClient,
  from: SimClient,
  sitDown: (atMs: number) => void,
): void {
  for (const command of commands) {
    if (command.code === "session" && typeof command.token === "string") {
      const token = tokensOf(from).at(-1) ?? "none";
      self.send(self.time + 1, { code: "resume", token });
    } else if (command.code === "resume" && command.error !== undefined) {
      sitDown(self.time);
    }
  }
}

/**
 * Drops `client` now and then (vanish, reset, half-close) if nothing else has, at `dropAt`
 * when given, and has a successor resume its seat, now within the hold and now past it;
 * the successor may drop in turn (chains up to three long). `play` starts a bot.
 */
export function dropAndResume(
  sim: Simulation,
  client: SimClient,
  random: Random,
  options: { holdMs: number; lastDropMs: number; depth: number; dropAt?: number },
  play: (client: SimClient, start: BotStart) => void,
): void {
  const { holdMs, depth } = options;
  let dropAt = options.dropAt;
  if (dropAt === undefined) {
    if (depth >= 3 || !random.chance(0.5)) return;
    dropAt = random.int(client.connectAt / 1000 + 20, options.lastDropMs);
    const how = random.int(0, 2);
    if (how === 0) client.abort(dropAt);
    else if (how === 1) client.reset(dropAt, random.int(1, 40));
    else client.end(dropAt);
  }
  if (!random.chance(0.85)) return;
  const next = sim.client({ at: dropAt + random.int(0, Math.round(holdMs * 1.5)) });
  play(next, { resumeFrom: client });
  dropAndResume(sim, next, random, { ...options, depth: depth + 1, dropAt: undefined }, play);
}
