// The Socket.IO connection: the protocol's events in, frames and controls out.
// Knows nothing about drawing; main.js wires it to the views.
import { io } from "../../vendor/socket.io-client/socket.io.esm.min.js";
// MessagePack, as the server speaks it: each packet is one websocket frame with its binary
// fields inside (the default parser sends one frame per binary field, per viewer).
import msgpackParser from "../../vendor/socket.io-msgpack-parser/parser.esm.min.js";

export function connect(handlers) {
  const socket = io({
    parser: msgpackParser,
    transports: ["websocket", "polling"],
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
  });
  socket.on("connect", () => handlers.onConnect?.());
  socket.on("disconnect", (reason) => handlers.onDisconnect?.(reason));
  socket.on("connect_error", (err) => handlers.onDisconnect?.(err.message));
  for (const event of ["hello", "state", "status", "error", "examples"]) {
    socket.on(event, (payload) => handlers[event]?.(payload));
  }
  return {
    sendFrame(id, ts, jpeg) { socket.emit("frame", { id, ts, jpeg }); },
    control(action, extra = {}) { socket.emit("control", { action, ...extra }); },
    get connected() { return socket.connected; },
  };
}
