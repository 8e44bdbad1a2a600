/**
 * The smallest game worth the name, as the README shows it: a chat where everyone connected
 * hears what anyone says. `server.ts` beside it serves it.
 *
 * @module
 */
import { CommandError, type Controller, deliver, verbOf } from "zerobyte";

/** Who is connected. */
export type Chat = { members: Set<number> };

/** `say` goes to everyone; joining and leaving are announced. */
export const chat: Controller<Chat> = {
  handleCommand(command, { index, storage }) {
    if (verbOf(command) !== "say") throw new CommandError("unknown code"); // to the sender
    return deliver([...storage.members], { code: "said", from: index, text: command.text ?? "" });
  },
  onConnect({ index, storage }) {
    storage.members.add(index);
    return deliver([...storage.members], { code: "joined", index });
  },
  onDisconnect({ index, storage }) {
    storage.members.delete(index);
    return deliver([...storage.members], { code: "left", index });
  },
};
