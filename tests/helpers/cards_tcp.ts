/**
 * Playing the card table over real TCP: waiting for the views a command brings.
 */
import type { Command } from "../../mod.ts";
import { isTableView, type TableView } from "../../examples/cards/mod.ts";
import { KEY } from "./cards.ts";
import type { TcpClient } from "./tcp_client.ts";

/** The last table view a TCP client received, if any. */
export function latest(client: TcpClient): TableView | undefined {
  return client.inbox.flat().filter(isTableView).at(-1);
}

/** Sends a command and waits until `client` has a view that `ready` accepts. */
export async function sendAndWait(
  client: TcpClient,
  command: Command,
  ready: (view: TableView) => boolean,
) {
  await client.send({ key: KEY, ...command });
  await client.until(() => {
    const view = latest(client);
    return view !== undefined && ready(view);
  }, `a view after ${JSON.stringify(command)}`);
}

/** Two clients at the table, seated in seats 0 and 1. */
export async function seatTwo(players: TcpClient[]) {
  for (const [seat, player] of players.entries()) {
    await sendAndWait(player, { code: "join" }, () => true);
    await sendAndWait(player, { code: "sit" }, (view) => view.you.seat === seat);
  }
  await players[0].until(() => latest(players[0])?.seats[1] !== null, "the other seated");
}

/**
 * Seats the players in order (the first one's process comes first, so it owns the table),
 * starts a hand from the first, and waits until every player sees it.
 */
export async function seatAndDeal(players: TcpClient[]) {
  for (const [seat, player] of players.entries()) {
    await sendAndWait(player, { code: "join" }, () => true);
    await sendAndWait(player, { code: "sit" }, (view) => view.you.seat === seat);
  }
  const [first] = players;
  const last = players.length - 1;
  await first.until(
    () => latest(first)?.seats[last] !== null,
    "the last seated, seen by the first",
  );
  await sendAndWait(first, { code: "start" }, (view) => view.hand !== null);
  for (const player of players) {
    await player.until(() => latest(player)?.hand?.number === 1, "the hand, everywhere");
  }
}
