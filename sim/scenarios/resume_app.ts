/**
 * The application of the resume scenario: a lobby whose members say things to each other,
 * served with a hold. It records every hook and every command with the time and the client
 * that sent it (each command carries its sender's name), for the session invariants.
 *
 * @module
 */
import { Application, type Command, deliver, type Index, type Result } from "../../mod.ts";

/** One call the application saw, at a virtual time (microseconds). */
export interface HookCall {
  readonly time: number;
  readonly kind: "connect" | "disconnect" | "hold" | "resume" | "command";
  readonly index: Index;
  /** For a command: the name of the client that says it sent it. */
  readonly from?: string;
}

/** What the resume lobby keeps: who is here, who is held, and every call it saw. */
export interface ResumeLobby {
  readonly members: Set<Index>;
  readonly held: Set<Index>;
  readonly calls: HookCall[];
  /** Holds that began while the core still had a connection for the index. */
  readonly heldWhileRegistered: { index: Index; time: number }[];
}

/**
 * The resume lobby on the simulation's clock (`now`, in microseconds; `registered`: whether
 * the core has a connection for an index): `say` goes to every
 * member; a hold is told to the others as `disconnected`, a resume as `back`; the resumed one
 * gets its `view` (its index and who is here). `staleView` plants a bug: the view a resume
 * gets is the one kept when the player dropped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resumeLobby } from "./resume_app.ts";
 * const { application, lobby } = resumeLobby(() => 0);
 * await application.onConnect(1);
 * await application.handleCommands(1, [{ code: "say", from: "c1" }]);
 * assert.deepEqual(lobby.calls.map((call) => call.kind), ["connect", "command"]);
 * ```
 */
export function resumeLobby(
  now: () => number,
  registered: (index: Index) => boolean = () => false,
  options: { staleView?: boolean } = {},
) {
  // The planted bug `stale-view`: the view kept when a player dropped, given back on resume.
  const kept = new Map<Index, Index[]>();
  const lobby: ResumeLobby = {
    members: new Set(),
    held: new Set(),
    calls: [],
    heldWhileRegistered: [],
  };
  const log = (kind: HookCall["kind"], index: Index, from?: string) =>
    lobby.calls.push({ time: now(), kind, index, ...from === undefined ? {} : { from } });
  // An empty list of indexes would address the server itself (an internal command).
  const toOthers = (index: Index, command: Command): Result => {
    const others = [...lobby.members].filter((member) => member !== index);
    return others.length > 0 ? deliver(others, command) : [];
  };
  const application = new Application<ResumeLobby>({
    storage: lobby,
    defaultController: {
      handleCommand: (command, { index }) => {
        log("command", index, String(command.from));
        return deliver([...lobby.members], { code: "said", index, text: command.text ?? "" });
      },
      onConnect: ({ index }) => {
        log("connect", index);
        lobby.members.add(index);
        return deliver([index], { code: "welcome", index });
      },
      onDisconnect: ({ index }) => {
        log("disconnect", index);
        lobby.members.delete(index);
        lobby.held.delete(index);
        return toOthers(index, { code: "gone", index });
      },
      onHold: ({ index }) => {
        log("hold", index);
        if (registered(index)) lobby.heldWhileRegistered.push({ index, time: now() });
        lobby.held.add(index);
        if (options.staleView) kept.set(index, [...lobby.members]);
        return toOthers(index, { code: "disconnected", index });
      },
      onResume: ({ index }) => {
        log("resume", index);
        lobby.held.delete(index);
        const members = kept.get(index) ?? [...lobby.members];
        kept.delete(index);
        return [
          ...deliver([index], { code: "view", index, members }),
          ...toOthers(index, { code: "back", index }),
        ];
      },
    },
  });
  return { application, lobby };
}

/**
 * Who is in the lobby after `calls`, replayed from the hooks alone (not from the lobby's own
 * state): every index connected and not yet disconnected, in index order. What a fresh view
 * of the lobby must list.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { membersAfter } from "./resume_app.ts";
 * const calls = [
 *   { time: 0, kind: "connect", index: 2 },
 *   { time: 1, kind: "connect", index: 1 },
 *   { time: 2, kind: "hold", index: 2 },
 *   { time: 3, kind: "disconnect", index: 1 },
 * ] as const;
 * assert.deepEqual(membersAfter(calls), [2]);
 * ```
 */
export function membersAfter(calls: readonly HookCall[]): Index[] {
  const members = new Set<Index>();
  for (const { kind, index } of calls) {
    if (kind === "connect") members.add(index);
    if (kind === "disconnect") members.delete(index);
  }
  return [...members].sort((a, b) => a - b);
}
