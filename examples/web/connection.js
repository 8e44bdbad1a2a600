// The browser side of a connection to the example server, shared by the pages: a WebSocket in
// message mode (one text frame is one JSON message, no zero byte) to the host that served the
// page, and the session token kept in sessionStorage so that a reload resumes the identity.
// Plain ES module, no build step.

/** How many times a dropped connection is opened again before the page gives up. */
const MAX_RETRIES = 5;

/**
 * Opens the connection. `onOpen(resuming)` runs each time a socket opens, after the resume
 * (if a token was kept) has been sent; `onCommand(command)` for every command received;
 * `onStatus(text)` for what the user should know about the connection. Returns `send`.
 */
export function connect({ tokenKey, onOpen, onCommand, onStatus }) {
  let socket;
  let retries = 0;
  let superseded = false;
  let sentToken = null;
  const url = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/`;

  const open = () => {
    socket = new WebSocket(url);
    socket.onopen = () => {
      retries = 0;
      const token = sessionStorage.getItem(tokenKey);
      sentToken = token;
      // The resume must be the connection's first command.
      if (token) socket.send(JSON.stringify({ code: "resume", token }));
      onStatus(token ? "connected, resuming" : "connected");
      onOpen(Boolean(token));
    };
    socket.onmessage = (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        onStatus("the server sent something that is not JSON");
        return;
      }
      for (const command of Array.isArray(message) ? message : [message]) {
        if (command === null || typeof command !== "object") continue;
        if (session(command)) continue;
        onCommand(command);
      }
    };
    socket.onclose = () => {
      if (superseded) return onStatus("this player resumed in another tab: reload to play here");
      if (retries >= MAX_RETRIES) return onStatus("disconnected: reload to try again");
      retries += 1;
      onStatus(`disconnected, reconnecting (${retries})`);
      setTimeout(open, 500 * retries);
    };
  };

  // The session's own messages: keep each fresh token; true when the command was one of them.
  const session = (command) => {
    if (command.code === "session" && typeof command.token === "string") {
      sessionStorage.setItem(tokenKey, command.token);
      return true;
    }
    if (command.code === "session" && command.error) {
      superseded = true;
      return true;
    }
    if (command.code === "resume" && command.success === true) {
      if (typeof command.token === "string") sessionStorage.setItem(tokenKey, command.token);
      onStatus("connected, resumed");
      return true;
    }
    if (command.code === "resume" && command.error) {
      // Gone. With sessions, this connection's session message already gave a new token; a
      // server without them sent none, and the old token is of no use.
      if (sessionStorage.getItem(tokenKey) === sentToken) sessionStorage.removeItem(tokenKey);
      onStatus(`connected (${command.error})`);
      return true;
    }
    return false;
  };

  open();
  return {
    /** Sends one message: a command or an array of commands. */
    send(message) {
      if (socket.readyState !== WebSocket.OPEN) return onStatus("not connected");
      socket.send(JSON.stringify(message));
    },
  };
}

/** Shows `text` in `element`, as text only: the server's data never becomes markup. */
export function show(element, text) {
  element.textContent = text;
}

/** A new element with `text` as its content. */
export function element(tag, text = "", className = "") {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}
