// A form larger than the server accepts (DATA_UPLOAD_MAX_MEMORY_SIZE) is stopped before it
// leaves the page, with the limit said in the page's language: the server could only answer
// that it was too large, and the text typed would be behind the Back button, if anywhere.
(function () {
  "use strict";
  var body = document.body;
  var limit = Number(body.dataset.uploadLimit);
  if (!limit) {
    return;
  }
  var encoder = new TextEncoder();

  // What the browser will send, counted as the server counts it: the encoded body of an
  // ordinary form, the bytes of the text fields of a form with files (files apart).
  function size(form) {
    var data = new FormData(form);
    if ((form.enctype || "").toLowerCase() === "multipart/form-data") {
      var total = 0;
      data.forEach(function (value, name) {
        if (typeof value === "string") {
          total += encoder.encode(name).length + encoder.encode(value).length;
        }
      });
      return total;
    }
    var text = new URLSearchParams();
    data.forEach(function (value, name) {
      if (typeof value === "string") {
        text.append(name, value);
      }
    });
    return text.toString().length;
  }

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") {
        return;
      }
      var old = form.querySelector("[data-form-size-alert]");
      if (old) {
        old.remove();
      }
      if (size(form) <= limit) {
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      var alert = document.createElement("div");
      alert.className = "alert alert-danger";
      alert.setAttribute("role", "alert");
      alert.setAttribute("tabindex", "-1");
      alert.dataset.formSizeAlert = "";
      alert.textContent = body.dataset.uploadLimitMessage;
      form.prepend(alert);
      alert.focus();
    },
    true
  );
})();
