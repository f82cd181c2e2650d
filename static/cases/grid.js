/* Live checks of the case grids while typing: the victims grid's sums, the employment
   grid's "cannot be more than the stage before". Progressive enhancement only: the
   server recomputes and validates everything on save. An empty cell has no value:
   it adds nothing, bounds nothing and is never shown as 0. */
(function () {
  "use strict";

  // The whole number in an input, or null when it is empty (no value) or not a count.
  function number(input) {
    if (!input || input.value.trim() === "") {
      return null;
    }
    var value = Number(input.value);
    return Number.isInteger(value) && value >= 0 ? value : null;
  }

  (function () {
    var grid = document.getElementById("victims-grid");
    if (!grid) {
      return;
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

  /* The employment grid: in each row, each stage (or the sum of the three assessment outcomes)
     cannot be more than the stage that bounds it (EmploymentFunnel.BOUNDS, given as JSON), where
     both are entered. The row's last cell says which rule is broken; the cells get aria-invalid. */
  (function () {
    var grid = document.getElementById("employment-grid");
    var source = document.getElementById("employment-bounds");
    if (!grid || !source) {
      return;
    }
    var bounds = JSON.parse(source.textContent);
    var template = grid.dataset.message;

    function label(stage) {
      var header = grid.querySelector('th[data-stage-label="' + stage + '"]');
      return header ? header.textContent.trim() : stage;
    }

    function check(row) {
      var cells = {};
      row.querySelectorAll("input[data-stage]").forEach(function (input) {
        cells[input.dataset.stage] = input;
        input.removeAttribute("aria-invalid");
        input.classList.remove("is-invalid-live");
      });
      var broken = [];
      bounds.forEach(function (rule) {
        var parts = rule[0];
        var limit = number(cells[rule[1]]);
        var entered = parts.map(function (stage) { return number(cells[stage]); }).filter(function (v) { return v !== null; });
        if (limit === null || entered.length === 0) {
          return;
        }
        var value = entered.reduce(function (a, b) { return a + b; }, 0);
        if (value > limit) {
          broken.push(
            template
              .replace("{stage}", parts.map(label).join(" + "))
              .replace("{value}", String(value))
              .replace("{bound}", label(rule[1]))
              .replace("{limit}", String(limit))
          );
          parts.concat([rule[1]]).forEach(function (stage) {
            if (cells[stage]) {
              cells[stage].setAttribute("aria-invalid", "true");
              cells[stage].classList.add("is-invalid-live");
            }
          });
        }
      });
      var out = row.querySelector("output[data-row-check]");
      var filled = Object.keys(cells).some(function (stage) { return number(cells[stage]) !== null; });
      out.textContent = broken.length ? broken.join(" ") : filled ? "✓" : "";
      out.classList.toggle("text-danger", broken.length > 0);
      out.classList.toggle("text-success", broken.length === 0);
    }

    grid.addEventListener("input", function (event) {
      var row = event.target instanceof Element ? event.target.closest("tr[data-row]") : null;
      if (row) {
        check(row);
      }
    });
    grid.querySelectorAll("tr[data-row]").forEach(check);
  })();
})();
