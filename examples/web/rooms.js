// The coloring game of the rooms protocol in a browser: a grid of cells under one key, the
// room's key. A click sends `update {key, index, value}`; the server echoes it to everyone in
// the room, this page included, and each page paints the cell only then. `save` stores the
// whole grid (and shows it to the room), `get` reads back what is stored.
import { connect, element, show } from "./connection.js";

/** The colors a cell may take; a cell's value is an index into this list. */
const COLORS = ["#ffffff", "#212121", "#e53935", "#fb8c00", "#fdd835", "#43a047", "#1e88e5"];
const COLOR_NAMES = ["white", "black", "red", "orange", "yellow", "green", "blue"];
const CELLS = 144;
const LOG_LINES = 30;

const $ = (id) => document.getElementById(id);
const grid = $("grid");
const cells = [];
let values = new Array(CELLS).fill(0);
let color = 2;
let room = sessionStorage.getItem("rooms.room") || $("room").value;
$("room").value = room;

for (let index = 0; index < CELLS; index++) {
  const cell = element("button");
  cell.type = "button";
  cell.dataset.index = String(index);
  cell.addEventListener("click", () => send({ code: "update", key: room, index, value: color }));
  cells.push(cell);
  grid.append(cell);
}
COLORS.forEach((css, value) => {
  const swatch = element("button");
  swatch.type = "button";
  swatch.title = COLOR_NAMES[value];
  swatch.dataset.color = String(value);
  swatch.style.background = css;
  swatch.addEventListener("click", () => choose(value));
  $("palette").append(swatch);
});
choose(color);
paintAll();

const { send } = connect({
  tokenKey: "rooms.token",
  onOpen: () => send([{ code: "goto", key: room }, { code: "get", key: room }]),
  onCommand: handle,
  onStatus: (text) => show($("status"), text),
});

$("goto").addEventListener("click", () => {
  room = $("room").value;
  sessionStorage.setItem("rooms.room", room);
  send([{ code: "goto", key: room }, { code: "get", key: room }]);
});
$("save").addEventListener("click", () => send({ code: "save", key: room, state: values }));
$("get").addEventListener("click", () => send({ code: "get", key: room }));
$("clear").addEventListener("click", () => {
  values = new Array(CELLS).fill(0);
  paintAll();
});

/** What the server sent: replies and the room's echoes. */
function handle(command) {
  if (typeof command.error === "string") {
    show($("status"), `error: ${command.error}`);
    return log(`error (${command.code ?? "?"}): ${command.error}`);
  }
  const verb = command.code ?? command.command;
  if (verb === "goto") {
    // false: this connection was already there (after a resume, for one).
    return show($("where"), `in room ${command.key}`);
  }
  if (command.key !== room || command.success !== true) return;
  if (verb === "update" && Number.isInteger(command.index) && command.index < CELLS) {
    values[command.index] = command.value;
    paint(command.index);
    return log(`cell ${command.index}: ${nameOf(command.value)}`);
  }
  if (verb === "save" || verb === "set" || verb === "get" || verb === "load") {
    setAll(command.state);
    log(verb === "get" || verb === "load" ? "got the saved picture" : "the picture was saved");
  }
}

function setAll(state) {
  values = new Array(CELLS).fill(0);
  if (Array.isArray(state)) state.slice(0, CELLS).forEach((value, i) => (values[i] = value));
  paintAll();
}

function paintAll() {
  for (let index = 0; index < CELLS; index++) paint(index);
}

function paint(index) {
  const value = values[index];
  const known = Number.isInteger(value) && value >= 0 && value < COLORS.length;
  cells[index].style.background = known
    ? COLORS[value]
    : "repeating-linear-gradient(45deg,#ccc 0 3px,#fff 3px 6px)";
  cells[index].dataset.value = JSON.stringify(value ?? 0);
  cells[index].title = `cell ${index}: ${nameOf(value)}`;
}

function nameOf(value) {
  return COLOR_NAMES[value] ?? JSON.stringify(value);
}

function choose(value) {
  color = value;
  for (const swatch of $("palette").children) {
    swatch.classList.toggle("chosen", swatch.dataset.color === String(value));
  }
}

function log(text) {
  const list = $("log");
  list.append(element("li", text));
  while (list.children.length > LOG_LINES) list.firstElementChild.remove();
}
