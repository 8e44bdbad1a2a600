/**
 * The example server on Deno: `deno task server`, e.g. `deno task server --port 6000`.
 *
 * @module
 */
import { serve } from "../../src/adapter/deno/mod.ts";
import { main } from "./main.ts";

await main({
  args: Deno.args,
  env: Deno.env.toObject(),
  serve,
  onSignal: (signal, handler) => Deno.addSignalListener(signal, handler),
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  exit: (code) => Deno.exit(code),
  readWebFile: (name) => Deno.readFile(new URL(`../web/${name}`, import.meta.url)),
});
