/* Live sums of the victims grid while typing. Progressive enhancement only: the
   server recomputes and validates everything on save. An empty cell has no value:
   it adds nothing and is never shown as 0. */
(function () {
  "use strict";
  var grid = document.getElementById("victims-grid");
  if (!grid) {
    return;
  }

  // The whole number in an input, or null when it is empty (no value) or not a count.
  function number(input) {
    if (!input || input.value.trim() === "") {
      return null;
    }
    var value = Number(input.value);
    return Number.isInteger(value) && value >= 0 ? value : null;
  }

  function sumOf(inputs) {
    var sum = 0;
    var empty = 0;
    inputs.forEach(function (input) {
      var value = number(input);
      if (value === null) {
        empty += 1;
      } else {
        sum += value;
      }
    });
    return { sum: sum, empty: empty, count: inputs.length };
  }

  function mark(out, ok) {
    out.classList.toggle("text-danger", !ok);
    out.classList.toggle("fw-semibold", !ok);
    out.classList.toggle("text-success", ok);
  }

  function update() {
    grid.querySelectorAll("tr[data-row]").forEach(function (row) {
      var out = row.querySelector("output[data-row-total]");
      if (out) {
        var found = sumOf(row.querySelectorAll("input[type=number]"));
        out.textContent = found.empty === found.count ? "—" : String(found.sum);
      }
    });
    grid.querySelectorAll("output[data-sum]").forEach(function (out) {
      var parts = out.getAttribute("data-sum").split(":");
      var dimension = parts[0];
      var status = parts[1];
      var found = sumOf(grid.querySelectorAll('input[data-dim="' + dimension + '"][data-status="' + status + '"]'));
      var target = dimension === "country"
        ? number(grid.querySelector('input[data-dim="citizenship"][data-category="foreign"][data-status="' + status + '"]'))
        : number(grid.querySelector('input[data-total="' + status + '"]'));
      if (found.empty === found.count) {
        out.textContent = "—";
        mark(out, true);
        return;
      }
      var complete = found.empty === 0 && dimension !== "country";
      var ok;
      if (target === null) {
        ok = false;
        out.textContent = String(found.sum) + " / —";
      } else if (complete) {
        ok = found.sum === target;
        out.textContent = ok ? String(found.sum) + " ✓" : String(found.sum) + " ≠ " + String(target);
      } else {
        ok = found.sum <= target;
        out.textContent = String(found.sum) + (ok ? " ≤ " : " > ") + String(target);
      }
      mark(out, ok);
    });
  }

  grid.addEventListener("input", update);
  update();
})();
