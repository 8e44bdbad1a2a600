/**
 * The rooms example over in-memory clients, and a view of the raw bytes a client got.
 */
import { createRoomsApplication, type RoomsApplicationOptions } from "../../examples/rooms/mod.ts";
import { Harness, type TestClient } from "./harness.ts";

const decoder = new TextDecoder();

/** A rooms application, a harness over it, and `count` clients connected in order. */
export async function roomsHarness(count: number, options: RoomsApplicationOptions = {}) {
  const application = createRoomsApplication(options);
  const harness = new Harness(application);
  const clients: TestClient[] = [];
  for (let n = 0; n < count; n++) clients.push(await harness.connect());
  return { application, harness, clients, rooms: application.storage.rooms };
}

/**
 * The text of the bytes a client received since the last call, zero bytes included, exactly
 * as they came off the wire. Clears the client's decoded messages too.
 */
export function takeWire(client: TestClient): string {
  const text = client.chunks.splice(0).map((chunk) => decoder.decode(chunk)).join("");
  client.take();
  return text;
}

/** Which of `clients` received anything since the last call (their indexes), clearing all. */
export function whoReceived(clients: readonly TestClient[]): number[] {
  return clients.filter((client) => client.take().length > 0).map((client) => client.index);
}

/** The indexes of `clients`, in order. */
export function everyone(clients: readonly TestClient[]): number[] {
  return clients.map((client) => client.index);
}

/**
 * Sends client n to `rooms[n]` (clients beyond the list stay in no room), then returns who
 * received anything, clearing what they received.
 */
export async function enterRooms(clients: readonly TestClient[], ...rooms: string[]) {
  for (const [n, key] of rooms.entries()) await clients[n].send({ code: "goto", key });
  return whoReceived(clients);
}
