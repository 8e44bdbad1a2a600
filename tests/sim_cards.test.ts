/**
 * The card table in the simulator (issue 5): bots play on what they decode, over links with
 * latency, jitter, fragmentation (inside multi-byte characters too), small windows, slow and
 * stalled readers, and players who vanish mid-hand, on the simulator's virtual clock, seed
 * after seed. No client's raw bytes ever hold a card it may not see, every hand ends, and
 * every turn timer fires on time in virtual time. Served with a hold (issue 12), players drop
 * mid-hand and resume their seat: no hole card leaks across a resume, and the view after a
 * resume is a fresh view of the seat, with the player's own cards.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CARDS_PLANTS,
  type CardsPlant,
  type CardsResumePlant,
} from "../sim/scenarios/cards_planted.ts";
import { buildCardsScenario } from "../sim/scenarios/cards_scenario.ts";
import { replay } from "../sim/scenarios/replay.ts";
import { formatViolation, isPrompt } from "../sim/mod.ts";
import { isTableView } from "../examples/cards/mod.ts";
import { brokenInvariants } from "./helpers/sim_apps.ts";
import { runBuilt } from "./helpers/sim_scenarios.ts";

/** Seeds 1..120, and 283: the last spectator leaves, and the table is forgotten as it goes. */
const SEEDS = [...Array.from({ length: 120 }, (_, k) => k + 1), 283];

test(`${SEEDS.length} seeds of bots at the table keep every invariant, under every kind of fault`, async () => {
  const seen = {
    hands: 0,
    showdowns: 0,
    foldedAtShowdown: 0,
    timeouts: 0,
    cutInsideACharacter: 0,
    fragments: 0,
    slowOrWindowed: 0,
    pausedReaders: 0,
    vanished: 0,
    goneMidHand: 0,
  };
  const failures: string[] = [];
  for (const seed of SEEDS) {
    const scenario = buildCardsScenario(seed);
    scenario.sim.observe({
      departed(index) {
        const hand = [...scenario.storage.tables.values()][0]?.hand;
        const player = hand?.live ? hand.playerOf(index) : undefined;
        seen.goneMidHand += Number(player !== undefined && !player.folded);
      },
    });
    const run = await runBuilt({ seed, scenario: "cards" }, scenario);
    if (!run.report.ok) failures.push(run.told);
    const { stats } = run.clock;
    seen.hands += stats.hands;
    seen.showdowns += stats.showdowns;
    seen.foldedAtShowdown += stats.foldedAtShowdown;
    seen.timeouts += stats.timeouts;
    for (const { link, inbox } of run.sim.clients) {
      seen.cutInsideACharacter += Number(
        inbox.reads().some(({ bytes }) => bytes.length > 0 && (bytes[0] & 0xc0) === 0x80),
      );
      seen.fragments += link.segmentCounts.fragments;
      seen.slowOrWindowed += Number(!isPrompt(link.faults));
      seen.pausedReaders += Number(link.reader.pausedEver);
      seen.vanished += Number(link.clientGone);
    }
  }
  assert.deepEqual(failures, [], `${failures.length} seeds failed:\n\n${failures.join("\n\n")}`);
  for (const [what, count] of Object.entries(seen)) {
    assert.ok(count > 0, `no seed exercised ${what}: ${JSON.stringify(seen)}`);
  }
  assert.ok(seen.hands > 5 * SEEDS.length, JSON.stringify(seen));
});

for (const plant of Object.keys(CARDS_PLANTS) as CardsPlant[]) {
  test(`planted: "${plant}" (${CARDS_PLANTS[plant]}) is flagged`, async () => {
    const caughtBy = plant === "leaky-view" || plant === "showdown-shows-folded"
      ? "hidden information"
      : "table clock";
    let flagged = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const run = await runBuilt(
        { seed, scenario: "cards", plant },
        buildCardsScenario(seed, { plant }),
      );
      const broken = brokenInvariants(run.report);
      // A showdown shows folded hands only where a hand with a fold came to a showdown.
      if (plant !== "showdown-shows-folded" || run.clock.stats.foldedAtShowdown > 0) {
        assert.ok(broken.includes(caughtBy), `seed ${seed}: ${run.told}`);
      }
      flagged += Number(broken.includes(caughtBy));
    }
    assert.ok(flagged > 0);
  });
}

test("the deck is the seed's: the same seed deals and traces the same, another does not", async () => {
  const deals = async (seed: number) => {
    const scenario = buildCardsScenario(seed);
    const dealt: string[] = [];
    scenario.sim.observe({
      sent() {
        const hand = [...scenario.storage.tables.values()][0]?.hand;
        const cards = hand?.players.map((player) => player.cards.join("")).join(" ");
        if (cards && dealt.at(-1) !== cards) dealt.push(cards);
      },
    });
    const report = await scenario.sim.run({ shutdownAtMs: scenario.shutdownAtMs });
    return { dealt, hash: report.traceHash };
  };
  const first = await deals(5);
  assert.ok(first.dealt.length > 2);
  assert.deepEqual(await deals(5), first);
  assert.notDeepEqual((await deals(6)).dealt, first.dealt);
  // Both runtimes check this value: a difference means the run depends on its runtime.
  assert.equal(first.hash, "ee3dd0e9");
});

test("a failing seed prints its violations and the command that replays it", async () => {
  const lines: string[] = [];
  const code = await replay(
    { SIM_SEED: "3", SIM_SCENARIO: "cards", SIM_PLANT: "leaky-view" },
    (line) => lines.push(line),
  );
  const text = lines.join("\n");
  assert.equal(code, 1);
  assert.match(text, /^scenario cards, seed 3: \d players/);
  assert.match(text, /\[hidden information\] c\d at [\d.]+ms: the raw bytes of message \d+/);
  assert.match(text, /\nreplay: SIM_SEED=3 SIM_PLANT=leaky-view SIM_SCENARIO=cards npm run sim$/);
});

/** Runs the card scenario of `seed` served with a hold; `told` is what its failure prints. */
async function runWithResumes(seed: number, plant?: CardsPlant | CardsResumePlant) {
  const scenario = buildCardsScenario(seed, { resumes: true, plant });
  const report = await scenario.sim.run({ shutdownAtMs: scenario.shutdownAtMs });
  const told = `${scenario.summary}\n${report.violations.map(formatViolation).join("\n")}`;
  return { ...scenario, report, told };
}

const RESUME_SEEDS = Array.from({ length: 30 }, (_, k) => k + 1);

test(`${RESUME_SEEDS.length} seeds of the table with a hold: players drop mid-hand, resume their seat, see their own cards again`, async () => {
  const seen = { resumed: 0, refused: 0, ownCardsAgain: 0, heldMidHand: 0, hands: 0 };
  const failures: string[] = [];
  for (const seed of RESUME_SEEDS) {
    const run = await runWithResumes(seed);
    if (!run.report.ok) failures.push(run.told);
    seen.hands += run.clock.stats.hands;
    for (const client of run.sim.clients) {
      const messages = client.messages.map((message) => message.commands ?? []);
      const at = messages.findIndex(([first]) => first?.code === "resume" && first.success);
      seen.refused += Number(messages.some(([first]) => first?.error === "cannot resume"));
      if (at < 0) continue;
      seen.resumed++;
      // The message after the reply: the view, with this player's cards in a hand they are in.
      const view = messages[at + 1]?.find(isTableView);
      const own = view?.hand?.players.find((player) => player.index === view.you.index);
      seen.ownCardsAgain += Number(own?.cards?.length === 2);
      seen.heldMidHand += Number(view?.hand?.phase !== undefined && view.hand.winners.length === 0);
    }
  }
  assert.deepEqual(failures, [], `${failures.length} seeds failed:\n\n${failures.join("\n\n")}`);
  for (const [what, count] of Object.entries(seen)) {
    assert.ok(count >= 5, `too few ${what}: ${JSON.stringify(seen)}`);
  }
});

for (
  const [plant, caughtBy] of [
    ["resume-view-for-others", "resume view"],
    ["leaky-view", "hidden information"],
  ] as const
) {
  test(`with a hold, planted "${plant}" is flagged by ${caughtBy}`, async () => {
    let flagged = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const run = await runWithResumes(seed, plant);
      const broken = brokenInvariants(run.report);
      if (!run.report.ok) assert.ok(broken.includes(caughtBy), `seed ${seed}: ${run.told}`);
      flagged += Number(broken.includes(caughtBy));
    }
    assert.ok(flagged >= 3, `flagged in ${flagged} seeds of 10`);
  });
}
