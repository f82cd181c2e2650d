/* Live sums of the victims grid while typing. Progressive enhancement only: the
   server recomputes and validates everything on save. */
(function () {
  "use strict";
  var grid = document.getElementById("victims-grid");
  if (!grid) {
    return;
  }

  function number(input) {
    var value = Number(input ? input.value : 0);
    return Number.isInteger(value) && value > 0 ? value : 0;
  }

  function sumOf(selector) {
    var sum = 0;
    grid.querySelectorAll(selector).forEach(function (input) {
      sum += number(input);
    });
    return sum;
  }

  function update() {
    grid.querySelectorAll("tr[data-row]").forEach(function (row) {
      var out = row.querySelector("output[data-row-total]");
      if (out) {
        var sum = 0;
        row.querySelectorAll("input[type=number]").forEach(function (input) {
          sum += number(input);
        });
        out.textContent = String(sum);
      }
    });
    grid.querySelectorAll("output[data-sum]").forEach(function (out) {
      var parts = out.getAttribute("data-sum").split(":");
      var dimension = parts[0];
      var status = parts[1];
      var sum = sumOf('input[data-dim="' + dimension + '"][data-status="' + status + '"]');
      var target = dimension === "country"
        ? number(grid.querySelector('input[data-dim="citizenship"][data-category="foreign"][data-status="' + status + '"]'))
        : number(grid.querySelector('input[data-total="' + status + '"]'));
      var matches = sum === target;
      out.textContent = matches ? String(sum) + " ✓" : String(sum) + " ≠ " + String(target);
      out.classList.toggle("text-danger", !matches);
      out.classList.toggle("fw-semibold", !matches);
      out.classList.toggle("text-success", matches);
    });
  }

  grid.addEventListener("input", update);
  update();
})();
