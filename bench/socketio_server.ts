/**
 * Socket.IO doing the fan-out benchmark's job, as a user picking it instead would write it:
 * a client emits `command` with one command object; `goto` joins the room named by `key`
 * and answers the sender; `update` sets element `index` of the list under `key` to `value`
 * and echoes the command with `success: true` to the sender's room, as a `message` event
 * carrying an array of commands (the framework's reply shape). WebSocket transport only,
 * its fastest setting.
 *
 * Run: `node --import tsx bench/socketio_server.ts` (prints `{"port":…,"pid":…}`; stops when
 * stdin closes).
 *
 * @module
 */
import { createServer } from "node:http";
import { Server, type Socket } from "socket.io";
import { listenOnLoopback, runServerProcess } from "./server_process.ts";

type Command = Record<string, unknown>;

await runServerProcess(async () => {
  const http = createServer();
  const io = new Server(http, { transports: ["websocket"], serveClient: false });
  const lists = new Map<string, unknown[]>();
  const roomOf = new Map<Socket, string>();
  io.on("connection", (socket) => {
    socket.on("command", (command: Command) => {
      const key = String(command.key);
      if (command.code === "goto") {
        const previous = roomOf.get(socket);
        if (previous !== undefined) socket.leave(previous);
        roomOf.set(socket, key);
        socket.join(key);
        socket.emit("message", [{ ...command, success: previous !== key }]);
      } else if (command.code === "update" && typeof command.index === "number") {
        const list = lists.get(key) ?? [];
        while (list.length < command.index) list.push(0);
        list[command.index] = command.value;
        lists.set(key, list);
        const room = roomOf.get(socket);
        const reply = [{ ...command, success: true }];
        if (room === undefined) io.emit("message", reply);
        else io.to(room).emit("message", reply);
      } else {
        socket.emit("message", [{ error: "unknown code", code: command.code }]);
      }
    });
    socket.on("disconnect", () => roomOf.delete(socket));
  });
  return {
    port: await listenOnLoopback(http),
    close: () => new Promise((resolve) => io.close(() => resolve())),
  };
});
