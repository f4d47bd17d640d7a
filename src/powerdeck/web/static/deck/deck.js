// The deck in a tab: xterm.js draws the app's terminal; the websocket carries its bytes.
// Keys go as the terminal sends them; exports arrive as one-time download links.
(function () {
  "use strict";
  var box = document.getElementById("terminal");
  var status = document.getElementById("deck-status");
  if (!box || typeof Terminal === "undefined") {
    return;
  }
  var term = new Terminal({
    cursorBlink: false,
    fontFamily: "'DejaVu Sans Mono', 'Cascadia Mono', Consolas, 'Liberation Mono', monospace",
    fontSize: 15,
    scrollback: 0,
    macOptionIsMeta: true
  });
  var fit = new FitAddon.FitAddon();
  term.loadAddon(fit);
  term.open(box);
  fit.fit();
  var encoder = new TextEncoder();
  var ended = false;
  var scheme = location.protocol === "https:" ? "wss:" : "ws:";
  var socket = new WebSocket(scheme + "//" + location.host + "/ws?cols=" + term.cols + "&rows=" + term.rows);
  socket.binaryType = "arraybuffer";

  function say(text, link) {
    status.textContent = text;
    if (link) {
      status.appendChild(document.createTextNode(" "));
      var anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.textContent = link.text;
      status.appendChild(anchor);
    }
  }

  function finish(text) {
    if (ended) {
      return;
    }
    ended = true;
    document.body.classList.add("deck-ended");
    say(text, {href: "/deck", text: "Open the deck again"});
  }

  function download(message) {
    var anchor = document.createElement("a");
    anchor.href = message.download;
    anchor.download = message.name;
    anchor.hidden = true;
    document.body.appendChild(anchor);
    anchor.click();
    anchor.remove();
    say("Downloaded " + message.name + " (see your browser's downloads).");
  }

  socket.onopen = function () {
    say("");
    term.focus();
  };
  socket.onmessage = function (event) {
    if (typeof event.data === "string") {
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (message.download) {
        download(message);
      }
      if (message.ended) {
        finish(message.ended);
      }
      return;
    }
    term.write(new Uint8Array(event.data));
  };
  socket.onclose = function () {
    finish("The connection to your deck was lost; your draft is kept.");
  };
  term.onData(function (data) {
    if (socket.readyState === WebSocket.OPEN) {
      socket.send(encoder.encode(data));
    }
  });
  term.onBinary(function (data) {
    if (socket.readyState === WebSocket.OPEN) {
      var bytes = new Uint8Array(data.length);
      for (var i = 0; i < data.length; i += 1) {
        bytes[i] = data.charCodeAt(i) & 255;
      }
      socket.send(bytes);
    }
  });
  term.onResize(function (size) {
    if (socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({resize: [size.cols, size.rows]}));
    }
  });
  window.addEventListener("resize", function () {
    fit.fit();
  });
})();
