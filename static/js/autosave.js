// A report's narrative is saved while it is typed, and never lost to an ended session
// (issue 20, point 2). On the form marked `data-autosave-url`:
// - a few seconds after typing stops, the form is sent there (a draft save, under the same
//   version rule as the button); the answer's version becomes the page's, so the button's
//   save that follows is not refused as stale; a colleague's save meanwhile is (409), and
//   nothing of theirs is overwritten;
// - what is typed is also kept in this browser (localStorage, `data-draft-key`: one person's
//   one report) until the server has it. A save that meets an ended session (401, or the
//   log-in page) keeps it; after the log-in the page comes back here, puts the text back
//   with the version it was typed on, and saves it.
// Only the narrative is kept in the browser: its sections and their "nothing to report"
// boxes. Never the case figures: they are personal data that the server guards (who may
// read them, small numbers suppressed), and a copy in a browser's storage escapes all of it.
// The copy is removed as soon as the server has the text, and at log-out (session.js).
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-url]");
  if (!form) {
    return;
  }
  var DELAY_MS = 3000;
  var RETRY_MS = 15000;
  var key = form.dataset.draftKey;
  var version = form.querySelector("input[name=version]");
  var status = form.querySelector("[data-autosave-status]");
  // What the server holds: the page as it came, unless it is a refused save shown again.
  var saved = form.hasAttribute("data-bound") ? null : snapshot();
  var timer = null;
  var inFlight = false;
  var again = false;
  var stale = false;
  var submitPending = false;
  var submitter = null;

  function fields() {
    return form.querySelectorAll("textarea[name], input[type=checkbox][name$='_nothing_to_report']");
  }

  function snapshot() {
    var data = {};
    fields().forEach(function (field) {
      data[field.name] = field.type === "checkbox" ? field.checked : field.value;
    });
    return data;
  }

  function same(a, b) {
    if (!a || !b) {
      return false;
    }
    var names = Object.keys(a);
    return names.length === Object.keys(b).length && names.every(function (name) {
      return a[name] === b[name];
    });
  }

  function apply(data) {
    fields().forEach(function (field) {
      if (Object.prototype.hasOwnProperty.call(data, field.name)) {
        if (field.type === "checkbox") {
          field.checked = Boolean(data[field.name]);
        } else {
          field.value = data[field.name];
        }
      }
    });
  }

  function read() {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function keep() {
    try {
      window.localStorage.setItem(key, JSON.stringify({ fields: snapshot(), version: version.value }));
    } catch (error) {
      // Storage full or refused (a private window): the server's save still runs.
    }
  }

  function forget() {
    window.localStorage.removeItem(key);
  }

  function say(text, tone) {
    status.textContent = text;
    status.className = "autosave-status small mb-2 " + (tone || "text-body-secondary");
  }

  function soon(ms) {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, ms);
  }

  function done() {
    inFlight = false;
    if (submitPending) {
      submitPending = false;
      form.requestSubmit(submitter || undefined);
    } else if (again) {
      again = false;
      soon(0);
    }
  }

  function save() {
    if (stale) {
      return;
    }
    if (inFlight) {
      again = true;
      return;
    }
    var sent = snapshot();
    if (same(sent, saved)) {
      return;
    }
    inFlight = true;
    var data = new FormData(form);
    data.set("action", "draft");
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": data.get("csrfmiddlewaretoken") || "", "X-Requested-With": "fetch" },
      credentials: "same-origin",
      redirect: "manual",
    })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (response.status === 401 || response.type === "opaqueredirect" || !json) {
          keep();
          say(status.dataset.kept, "text-danger");
          document.dispatchEvent(new CustomEvent("krat:session-ended"));
          return;
        }
        return response.json().then(function (answer) {
          if (response.ok) {
            version.value = answer.version;
            saved = sent;
            if (same(snapshot(), sent)) {
              forget();
            } else {
              keep();
            }
            say(status.dataset.saved.replace("{time}", answer.saved_at));
            document.dispatchEvent(
              new CustomEvent("krat:session-renewed", { detail: { secondsLeft: answer.seconds_left } })
            );
          } else {
            if (response.status === 409) {
              stale = true; // the button's save will say what changed; nothing is overwritten
              forget();
            }
            say(answer.detail, "text-danger");
          }
        });
      })
      .catch(function () {
        keep();
        say(status.dataset.offline, "text-danger");
        soon(RETRY_MS);
      })
      .then(done);
  }

  form.addEventListener("input", function () {
    keep();
    soon(DELAY_MS);
  });

  // The button's save waits for an autosave on its way (it would carry the version before
  // it); on the form itself, so that busy.js (on the document) sees it deferred.
  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    keep();
    if (inFlight) {
      event.preventDefault();
      submitPending = true;
      submitter = event.submitter || null;
    }
  });

  var kept = read();
  if (kept && saved !== null) {
    if (same(kept.fields, saved)) {
      forget(); // the server has it already
    } else {
      apply(kept.fields);
      version.value = kept.version; // the version it was typed on: a colleague's save since is refused
      say(status.dataset.restored, "text-body-secondary");
      save();
    }
  }
})();
