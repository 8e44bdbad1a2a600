/**
 * The example server on Node: `npm start` (through tsx), e.g. `npm start -- --port 6000`.
 * The npm script `exec`s Node, so that no shell between npm and the server dies of the
 * Ctrl-C and makes npm exit 130: the server exits 0 after a clean shutdown, and so does npm.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import process from "node:process";
import { serve } from "../../src/adapter/node/mod.ts";
import { main } from "./main.ts";

await main({
  args: process.argv.slice(2),
  env: process.env,
  serve,
  onSignal: (signal, handler) => void process.on(signal, handler),
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  exit: (code) => process.exit(code),
  readWebFile: (name) => readFile(new URL(`../web/${name}`, import.meta.url)),
});
