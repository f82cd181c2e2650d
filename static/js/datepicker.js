// A date field is typed as 25.04.2018 (the way Albanian dates are written, and what an old
// browser can always do). Beside it, a button opens the browser's own calendar: a hidden
// <input type="date"> whose choice is written back as dd.mm.yyyy. Nothing is loaded from
// elsewhere; without this script the field is typed as before.
(function () {
  "use strict";
  function iso(text) {
    var m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text.trim());
    if (!m) { return ""; }
    return m[3] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[1]).slice(-2);
  }
  function typed(value) {
    var parts = value.split("-");
    return parts.length === 3 ? parts[2] + "." + parts[1] + "." + parts[0] : "";
  }
  document.querySelectorAll("input[data-date-picker]").forEach(function (field) {
    var native = document.createElement("input");
    native.type = "date";
    if (typeof native.showPicker !== "function") { return; }  // no calendar to offer
    native.className = "visually-hidden";
    native.tabIndex = -1;
    native.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary";
    button.setAttribute("aria-label", field.dataset.datePicker);
    button.title = field.dataset.datePicker;
    button.textContent = "📅";
    button.addEventListener("click", function () {
      native.value = iso(field.value);
      native.showPicker();
    });
    native.addEventListener("change", function () {
      if (native.value) {
        field.value = typed(native.value);
        field.dispatchEvent(new Event("input", { bubbles: true }));
        field.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    // The field's error message is shown by Bootstrap only as a sibling that follows an
    // invalid field: it moves into the group with it.
    var feedback = [];
    for (var next = field.nextElementSibling; next; next = next.nextElementSibling) {
      if (next.classList.contains("invalid-feedback")) { feedback.push(next); }
    }
    var group = document.createElement("div");
    group.className = "input-group has-validation";
    field.parentNode.insertBefore(group, field);
    group.appendChild(field);
    group.appendChild(button);
    group.appendChild(native);
    feedback.forEach(function (node) { group.appendChild(node); });
  });
})();
