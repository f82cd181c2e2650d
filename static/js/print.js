// A print button ("Print" on the pages made to be printed, marked `data-print`) opens the
// browser's own dialog; the print stylesheet leaves out the menus, buttons and forms.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target instanceof Element && event.target.closest("button[data-print]")) {
      window.print();
    }
  });
})();
