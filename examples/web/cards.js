// The card table in a browser. Every change of the table brings one `table` view built by the
// server for this connection alone: this page shows it as it is (its own hole cards, the
// board, and others' cards only at a showdown) and can never show more than it was sent. The
// session token is kept in sessionStorage, so a reload resumes the seat, cards included.
import { connect, element, show } from "./connection.js";

const SUITS = { c: "\u2663", d: "\u2666", h: "\u2665", s: "\u2660" };
const EVENT_LINES = 60;

const $ = (id) => document.getElementById(id);
let table = sessionStorage.getItem("cards.table") || $("table").value;
$("table").value = table;
/**
 * When the seat on turn runs out of time, by this page's clock (the view carries the length of
 * a turn, not its start: counted from when this page saw the turn begin); null when nobody is on
 * turn.
 */
let deadline = null;
let turnOf = "";

const { send } = connect({
  tokenKey: "cards.token",
  // A resume answers with the whole view; a new player starts with `join`.
  onOpen: () => {},
  onCommand: handle,
  onStatus: (text) => show($("status"), text),
});

$("join").addEventListener("click", () => {
  table = $("table").value;
  sessionStorage.setItem("cards.table", table);
  send({ code: "join", key: table });
});
for (const verb of ["sit", "ready", "check", "fold", "leave"]) {
  $(verb).addEventListener("click", () => send({ code: verb, key: table }));
}
setInterval(tick, 250);

function handle(command) {
  if (typeof command.error === "string") {
    show($("status"), `error: ${command.error}`);
    return logEvent("error", `${command.code ?? "?"}: ${command.error}`);
  }
  if (command.code !== "table") return;
  // After a resume, the view tells which table this player is at.
  if (typeof command.key === "string") $("table").value = table = command.key;
  render(command);
}

/** Shows one view of the table. */
function render(view) {
  for (const event of view.events ?? []) logEvent(event.type, describe(event));
  const you = view.you ?? {};
  show(
    $("you"),
    `table ${view.key}: you are player ${you.index}, ` +
      (you.seat === null || you.seat === undefined ? "not seated" : `in seat ${you.seat}`),
  );
  const hand = view.hand;
  const seats = $("seats");
  seats.replaceChildren(...(view.seats ?? []).map((seat, number) => {
    const item = element("li", seat ? seatText(seat) : "free");
    item.classList.toggle("turn", hand?.turn === number);
    return item;
  }));
  renderHand(hand, you);
}

function renderHand(hand, you) {
  if (!hand) {
    show($("hand"), "No hand yet");
    for (const id of ["board", "my-cards", "turn", "timer", "result"]) show($(id), "");
    $("players").replaceChildren();
    deadline = null;
    return;
  }
  show($("hand"), `Hand ${hand.number}: ${hand.phase}`);
  $("board").replaceChildren(...cardsOf(hand.board));
  const players = hand.players ?? [];
  const me = players.find((player) => player.index === you.index);
  $("my-cards").replaceChildren(
    ...(me?.cards ? cardsOf(me.cards) : [element("span", me?.folded ? "folded" : "")]),
  );
  $("players").replaceChildren(...players.map((player) => {
    const item = element(
      "li",
      `seat ${player.seat}, player ${player.index}` +
        (player.index === you.index ? " (you)" : "") + (player.folded ? ": folded" : ""),
    );
    item.dataset.seat = String(player.seat);
    if (player.cards) item.append(" ", ...cardsOf(player.cards));
    if (player.best) item.append(` ${player.best.category}`);
    return item;
  }));
  const turn = hand.turn;
  show($("turn"), turn === null ? "" : `seat ${turn} to act` + (turn === you.seat ? " (you)" : ""));
  const now = `${hand.number}/${hand.phase}/${turn}`;
  if (turn === null) deadline = null;
  else if (now !== turnOf) deadline = Date.now() + hand.turnMs;
  turnOf = now;
  tick();
  show($("result"), hand.phase === "over" ? resultText(hand) : "");
}

function resultText(hand) {
  const seats = hand.winners ?? [];
  const who = seats.length > 1
    ? `split between seats ${seats.join(", ")}`
    : `seat ${seats[0]} wins`;
  return `${who}, ${hand.showdown ? "at the showdown" : "everyone else folded"}`;
}

function seatText(seat) {
  return `player ${seat.index}` + (seat.ready ? ", ready" : "") +
    (seat.away ? ", away (held for a resume)" : "") + (seat.gone ? ", gone" : "");
}

/** Card elements; `data-card` keeps the server's two characters (rank, suit). */
function cardsOf(cards) {
  return (Array.isArray(cards) ? cards : []).map((card) => {
    const text = String(card);
    const suit = SUITS[text[1]];
    const node = element("span", suit ? text[0].replace("T", "10") + suit : text, "card");
    if (text[1] === "h" || text[1] === "d") node.classList.add("red");
    node.dataset.card = text;
    return node;
  });
}

function describe(event) {
  switch (event.type) {
    case "join":
      return `player ${event.index} joined`;
    case "leave":
      return `player ${event.index} left`;
    case "disconnect":
      return `player ${event.index} is gone`;
    case "disconnected":
      return `player ${event.index} disconnected (the seat is held)`;
    case "back":
      return `player ${event.index} is back`;
    case "sit":
      return `player ${event.index} sat in seat ${event.seat}`;
    case "ready":
      return `seat ${event.seat} is ready`;
    case "check":
      return `seat ${event.seat} checks`;
    case "fold":
      return `seat ${event.seat} folds (${event.reason})`;
    case "start":
      return `hand ${event.hand} starts, the button at seat ${event.button}`;
    case "deal":
      return `the ${event.street}`;
    case "win":
      return `seats ${(event.seats ?? []).join(", ")} win` +
        (event.showdown ? " at the showdown" : "");
    default:
      return JSON.stringify(event);
  }
}

function logEvent(type, text) {
  const list = $("events");
  const item = element("li", text);
  item.dataset.type = String(type);
  list.append(item);
  while (list.children.length > EVENT_LINES) list.firstElementChild.remove();
  list.scrollTop = list.scrollHeight;
}

function tick() {
  show(
    $("timer"),
    deadline === null ? "" : `${Math.max(0, Math.ceil((deadline - Date.now()) / 1000))} s left`,
  );
}
