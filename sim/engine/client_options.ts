/**
 * What a simulated client is made of: how it speaks, the world and plan it runs in, and the
 * server's side it is connected to.
 *
 * @module
 */
import type { Command, Index, Socket, SocketHandlers } from "../../mod.ts";
import type { LinkFaults } from "./faults.ts";
import type { FaultPlan } from "./fault_plan.ts";
import type { Addressed } from "./records.ts";
import type { World } from "./world.ts";
import type { SimClient } from "./client.ts";

/** How a client speaks: the raw zero-byte protocol, or WebSocket in message or stream mode. */
export type ClientProtocol = "tcp" | "ws-message" | "ws-stream";

/** Options of {@linkcode SimClient}. */
export interface SimClientOptions {
  world: World;
  /** Decides its link's segment faults, and which of its scripted faults strike. */
  plan: FaultPlan;
  name: string;
  faults: LinkFaults;
  /** Default `tcp`. */
  protocol?: ClientProtocol;
  /** A WebSocket client in message mode: each message goes in exactly this many frames. */
  fragments?: number;
  /** A `tcp` client served through the port's entrance (see `ClientOptions.sniffed`). */
  sniffed?: boolean;
  /** A WebSocket client: its upgrade request in this many pieces, one every `everyMs`. */
  trickleHead?: { readonly pieces: number; readonly everyMs: number };
  /** When it connects, in microseconds. */
  connectAtUs: number;
  /** Opens the server's end of its connection: the handlers for the socket. */
  accept(client: SimClient, socket: Socket): SocketHandlers;
  /** The core's list of deliveries addressed to `index`. */
  expected(index: Index): Addressed[];
  /** Whether the send path was given these bytes (else the core wrote them directly). */
  isAddressed(bytes: Uint8Array): boolean;
}

/** Hears each message a client reads, as soon as the read that completes it happens. */
export type MessageListener = (commands: Command[], client: SimClient) => void;
