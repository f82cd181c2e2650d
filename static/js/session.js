// The idle session's clock (issue 20, point 2). A session ends after SESSION_COOKIE_AGE
// without a request; the page knows how long it has left (`data-seconds-left`, counted from
// the session's last write, so never later than the server's end) and:
// - `data-warning-seconds` before the end, shows a warning with a "stay logged in" button,
//   which asks the keep-alive address (an authenticated POST) to renew the session;
// - at the end, says the session has ended, with a link to log in and come back here.
// Another script that renews the session (an autosave) sends the event
// "krat:session-renewed" with `detail.secondsLeft`; one that meets the ended session sends
// "krat:session-ended". On log-out, the drafts kept in this browser are removed.
(function () {
  "use strict";
  var clock = document.getElementById("session-clock");
  if (!clock) {
    return;
  }
  var warning = clock.querySelector("[data-session-warning]");
  var warningText = clock.querySelector("[data-session-warning-text]");
  var ended = clock.querySelector("[data-session-ended]");
  var extend = clock.querySelector("[data-session-extend]");
  var warnBefore = Number(clock.dataset.warningSeconds) * 1000;
  var warnTimer = null;
  var endTimer = null;

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function show(part) {
    clock.hidden = false;
    warning.hidden = part !== warning;
    ended.hidden = part !== ended;
  }

  function hide() {
    clock.hidden = true;
    warning.hidden = true;
    ended.hidden = true;
  }

  function two(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function schedule(secondsLeft) {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    var endsAt = Date.now() + secondsLeft * 1000;
    warnTimer = window.setTimeout(function () {
      var end = new Date(endsAt);
      warningText.textContent = warningText.dataset.template.replace(
        "{time}",
        two(end.getHours()) + ":" + two(end.getMinutes())
      );
      show(warning);
    }, Math.max(0, secondsLeft * 1000 - warnBefore));
    endTimer = window.setTimeout(function () {
      show(ended);
    }, secondsLeft * 1000);
  }

  function sessionEnded() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    show(ended);
  }

  extend.addEventListener("click", function () {
    fetch(clock.dataset.keepaliveUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" },
      credentials: "same-origin",
      redirect: "manual",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("ended");
        }
        return response.json();
      })
      .then(function (answer) {
        hide();
        schedule(answer.seconds_left);
      })
      .catch(sessionEnded);
  });

  document.addEventListener("krat:session-renewed", function (event) {
    if (ended.hidden) {
      hide();
      schedule(event.detail.secondsLeft);
    }
  });
  document.addEventListener("krat:session-ended", sessionEnded);

  // Drafts are kept in this browser only while the server does not have them (autosave.js);
  // whoever logs out leaves none behind for the next person at this computer.
  document.addEventListener("submit", function (event) {
    if (event.target instanceof HTMLFormElement && event.target.hasAttribute("data-logout")) {
      for (var i = window.localStorage.length - 1; i >= 0; i--) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf("krat:draft:") === 0) {
          window.localStorage.removeItem(key);
        }
      }
    }
  });

  // A report that can no longer be edited here (submitted, approved, its period closed): a
  // draft of it kept in this browser can never be saved, so it is not kept.
  document.querySelectorAll("[data-draft-done]").forEach(function (marker) {
    window.localStorage.removeItem(marker.dataset.draftDone);
  });

  schedule(Number(clock.dataset.secondsLeft));
})();
