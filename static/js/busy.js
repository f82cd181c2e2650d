// An action that takes a while shows it is working and cannot be sent twice (a PDF of the
// period report takes seconds; a second click sent the import, the approval or the reminders
// again).
// - A form sent by POST: its first submission goes; its buttons read as busy and a further
//   submission is dropped until the page is left. The buttons are not `disabled`: a disabled
//   button's name and value would leave the form data ("save and add another").
// - A link marked `data-busy` (a document built on request): it reads as busy and a second
//   click is dropped for a while; a download leaves the page in place and says nothing when
//   it is done, so the link comes back after BUSY_LINK_MS.
(function () {
  "use strict";
  var BUSY_LINK_MS = 15000;
  var working = document.body.dataset.busyText || "…";

  function markBusy(element) {
    element.setAttribute("aria-busy", "true");
    element.classList.add("is-busy");
    var spinner = document.createElement("span");
    spinner.className = "spinner-border spinner-border-sm ms-1";
    spinner.setAttribute("aria-hidden", "true");
    spinner.dataset.busySpinner = "";
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.dataset.busySpinner = "";
    label.textContent = working;
    element.append(spinner, label);
  }

  function clearBusy(element) {
    element.removeAttribute("aria-busy");
    element.classList.remove("is-busy");
    element.querySelectorAll("[data-busy-spinner]").forEach(function (node) {
      node.remove();
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post" || event.defaultPrevented) {
      return;
    }
    if (form.dataset.busy === "sent") {
      event.preventDefault();
      return;
    }
    form.dataset.busy = "sent";
    form.setAttribute("aria-busy", "true");
    var button = event.submitter || form.querySelector("[type=submit], button:not([type])");
    if (button) {
      markBusy(button);
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a[data-busy]") : null;
    if (!link) {
      return;
    }
    if (link.getAttribute("aria-busy") === "true") {
      event.preventDefault();
      return;
    }
    markBusy(link);
    window.setTimeout(function () {
      clearBusy(link);
    }, BUSY_LINK_MS);
  });

  // Back to a page kept in the browser's history: nothing of it is on its way any more.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll("form[data-busy]").forEach(function (form) {
      delete form.dataset.busy;
      form.removeAttribute("aria-busy");
      form.querySelectorAll(".is-busy").forEach(clearBusy);
    });
    document.querySelectorAll("a[data-busy].is-busy").forEach(clearBusy);
  });
})();
