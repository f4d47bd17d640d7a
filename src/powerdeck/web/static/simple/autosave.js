// Keep the card's draft as the person types: the same draft the terminal deck shows.
// Only adds: without this script the "Keep as a draft" and "Save entry" buttons keep it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft-url]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var url = form.getAttribute("data-draft-url");
  var status = form.querySelector(".pd-autosave");
  var timer = null;
  var last = null;

  function body() {
    var data = new FormData(form);
    data.delete("do");
    return data;
  }

  function signature(data) {
    return ["action", "outcome", "learning", "entry_id"].map(function (name) {
      return data.get(name);
    }).join("\u0000");
  }

  function keep() {
    timer = null;
    var data = body();
    var now = signature(data);
    if (now === last) {
      return;
    }
    fetch(url, { method: "POST", body: data, credentials: "same-origin" }).then(function (response) {
      if (response.status === 204) {
        last = now;
        if (status) {
          status.textContent = "Draft kept at " + new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ".";
        }
      }
    }).catch(function () { /* the buttons still keep it */ });
  }

  last = signature(body());
  form.addEventListener("input", function () {
    if (timer) {
      window.clearTimeout(timer);
    }
    timer = window.setTimeout(keep, 1000);
  });
  window.addEventListener("pagehide", function () {
    if (timer && navigator.sendBeacon) {
      window.clearTimeout(timer);
      timer = null;
      if (signature(body()) !== last) {
        navigator.sendBeacon(url, body());
      }
    }
  });
  form.addEventListener("submit", function () {
    if (timer) {
      window.clearTimeout(timer);
      timer = null;
    }
  });
}());
