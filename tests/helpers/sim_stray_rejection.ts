/**
 * A script, run as a child process by the simulator's tests: a controller that leaves a
 * promise rejection nobody handles (test runners fail any test that does, so this cannot run
 * inside one). Prints the run's violations, one per line.
 */
import { Simulation } from "../../sim/mod.ts";
import { lobbyApplication } from "./sim_apps.ts";

const sim = new Simulation({
  seed: 1,
  application: lobbyApplication(undefined, {
    handleCommand: () => {
      void Promise.reject(new Error("nobody waits for me"));
      return [];
    },
  }),
});
sim.client().send(5, { code: "ping" });
const report = await sim.run({ shutdownAtMs: 50 });
for (const violation of report.violations) {
  console.log(`[${violation.invariant}] ${violation.message}`);
}
