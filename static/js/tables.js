// Tables wider than a phone scroll inside a box that a keyboard can reach and a screen reader
// names, with a shadow as the visible cue (krat.css, `.scroll-cue`). The pages' own tables
// are wrapped so in their templates; this does it for the tables the templates cannot wrap:
// those of documents shared with their PDFs (the report's preview, the meeting summary), any
// other table found wider than its column, and any `.table-responsive` left without a name. The box is named by the table's caption, else
// by the heading before it, else by the page's title.
(function () {
  "use strict";

  function contentWidth(element) {
    var style = window.getComputedStyle(element);
    return element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  }

  function headingBefore(node) {
    for (var at = node; at && at !== document.body; at = at.parentElement) {
      for (var sibling = at.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
        if (/^H[1-6]$/.test(sibling.tagName)) {
          return sibling;
        }
        var inner = sibling.querySelectorAll("h1, h2, h3, h4, h5, h6");
        if (inner.length) {
          return inner[inner.length - 1];
        }
      }
    }
    return null;
  }

  function name(box) {
    var table = box.querySelector("table");
    var caption = table && table.caption ? table.caption.textContent.trim() : "";
    if (caption) {
      return caption;
    }
    var title = box.querySelector("svg > title");
    if (title && title.textContent.trim()) {
      return title.textContent.trim();
    }
    var heading = headingBefore(box);
    return heading ? heading.textContent.trim() : document.title;
  }

  function enhance(box) {
    box.classList.add("scroll-cue");
    if (!box.hasAttribute("tabindex")) {
      box.tabIndex = 0;
    }
    if (!box.hasAttribute("role")) {
      box.setAttribute("role", "region");
    }
    if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
      box.setAttribute("aria-label", name(box));
    }
  }

  // Document tables always; any other table only when it is wider than its column.
  document.querySelectorAll("main table").forEach(function (table) {
    if (table.closest(".table-responsive")) {
      return;
    }
    var shared = table.closest(".report-preview, .meeting-summary");
    if (!shared && table.offsetWidth <= contentWidth(table.parentElement)) {
      return;
    }
    var box = document.createElement("div");
    box.className = "table-responsive";
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
  });
  document.querySelectorAll(".table-responsive").forEach(enhance);
  // A chart scrolls only on a phone (krat.css): its box becomes a stop for the keyboard then.
  document.querySelectorAll(".chart, .cases-chart").forEach(function (box) {
    if (box.tagName !== "IMG" && box.scrollWidth > box.clientWidth) {
      enhance(box);
    }
  });
})();
