// The agenda on a meeting's page can be put in order by dragging its items (as OpenSlides'
// agenda is). A drop moves the item in the list and sends the whole order with the page's
// hidden form (`data-agenda-order` names it); the server numbers the agenda again. Without
// this script, the ↑/↓ buttons do the same, one step at a time.
(function () {
  "use strict";
  var list = document.querySelector("[data-agenda-order]");
  if (!list) return;
  var form = document.getElementById(list.dataset.agendaOrder);
  if (!form) return;
  var dragged = null;

  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest("[data-item]");
    if (!dragged) return;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.item);
    dragged.classList.add("opacity-50");
  });
  list.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("opacity-50");
    dragged = null;
  });
  list.addEventListener("dragover", function (event) {
    if (dragged) event.preventDefault();
  });
  list.addEventListener("drop", function (event) {
    var target = event.target.closest("[data-item]");
    if (!dragged || !target || target === dragged) return;
    event.preventDefault();
    var items = Array.prototype.slice.call(list.querySelectorAll("[data-item]"));
    var below = items.indexOf(dragged) < items.indexOf(target);
    list.insertBefore(dragged, below ? target.nextSibling : target);
    var order = Array.prototype.map.call(list.querySelectorAll("[data-item]"), function (item) {
      return item.dataset.item;
    });
    form.elements.order.value = order.join(",");
    form.submit();
  });
})();
