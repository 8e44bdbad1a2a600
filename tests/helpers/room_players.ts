/**
 * Players of the rooms example over real TCP: each saves a state of a few KB to the room's
 * key, waits for its own echo, and records every broadcast it saw, in order, and how long
 * each of its saves took to come back. Used by the slow-consumer tests and the memory bench.
 */
import type { Command } from "../../mod.ts";
import type { TcpClient } from "./tcp_client.ts";

/** What a player saves: who, which save of theirs, and some padding. */
interface PlayState {
  readonly from: number;
  readonly seq: number;
  readonly pad: string;
}

/** One player: a client in a room that keeps saving. */
export class Player {
  /** Every save echo received, as `from:seq`, in the order received. */
  readonly seen: string[] = [];
  /** Saves done (sent and echoed). */
  rounds = 0;
  /** The longest a save took to come back, in ms. */
  worstRoundMs = 0;
  readonly #pad: string;

  /** `id` tells this player's saves apart; each state carries `stateBytes` of padding. */
  constructor(
    readonly client: TcpClient,
    readonly id: number,
    readonly room: string,
    stateBytes = 3000,
  ) {
    this.#pad = "p".repeat(stateBytes);
  }

  /** Goes into the room; resolves with the server's answer. */
  async join(): Promise<Command[]> {
    await this.client.send({ code: "goto", key: this.room });
    return this.client.next();
  }

  /** Saves once and waits for the echo, taking in the broadcasts that came before it. */
  async round(): Promise<void> {
    const seq = this.rounds + 1;
    const tag = `${this.id}:${seq}`;
    const state: PlayState = { from: this.id, seq, pad: this.#pad };
    const started = performance.now();
    await this.client.send({ code: "save", key: this.room, state: state as unknown as Command });
    const before = this.seen.length;
    await this.client.until(() => {
      this.takeIn();
      return this.seen.indexOf(tag, before) !== -1;
    }, `the echo of save ${tag}`);
    this.worstRoundMs = Math.max(this.worstRoundMs, performance.now() - started);
    this.rounds = seq;
  }

  /** Moves the save echoes received so far from the client's inbox into `seen`. */
  takeIn(): void {
    for (const message of this.client.inbox.splice(0)) {
      for (const command of message) {
        const got = command.state as unknown as PlayState;
        this.seen.push(`${got.from}:${got.seq}`);
      }
    }
  }

  /** Every save this player sent, as tags. */
  sent(): string[] {
    return Array.from({ length: this.rounds }, (_, n) => `${this.id}:${n + 1}`);
  }
}

/** Makes every player play rounds, all at once, until `done()` holds after a round. */
export async function playUntil(players: readonly Player[], done: () => boolean): Promise<void> {
  await Promise.all(players.map(async (player) => {
    while (!done()) await player.round();
  }));
}

/** Takes in what each player received after its last round (the others' last saves). */
export async function settlePlayers(players: readonly Player[]): Promise<void> {
  const total = players.reduce((sum, player) => sum + player.rounds, 0);
  await Promise.all(players.map((player) =>
    player.client.until(() => {
      player.takeIn();
      return player.seen.length >= total;
    }, `all ${total} saves`)
  ));
}
