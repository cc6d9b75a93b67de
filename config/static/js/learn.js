/* Pathwise: the learner's pages (dashboard, enrolment). Progressive enhancement only: every
   form here works without this file.
   - The year's heatmap: opens scrolled to today; a roving-tabindex grid (arrow keys, Home, End,
     PageUp/PageDown by month) whose focused or tapped day is shown in a visible caption.
   - Logging through htmx: focus stays on a sensible element after the swap (the step just
     marked done, the first field in error, else the result next to the button), without
     scrolling. The result is announced by the server's out-of-band swap of #announce. */
(function () {
  "use strict";

  function heatmaps() {
    document.querySelectorAll("[data-heatmap]").forEach(function (grid) {
      var scroller = grid.closest("[data-heat-scroll]");
      var caption = document.getElementById("heat-caption");
      var cells = Array.prototype.slice.call(grid.querySelectorAll("td[data-day]"));
      if (!cells.length) return;
      cells.sort(function (a, b) { return a.dataset.day < b.dataset.day ? -1 : 1; });
      var index = {};
      cells.forEach(function (cell, i) { index[cell.dataset.day] = i; });
      if (scroller) scroller.scrollLeft = scroller.scrollWidth;

      function show(cell) {
        cells.forEach(function (other) { other.tabIndex = other === cell ? 0 : -1; });
        if (caption) caption.textContent = cell.textContent.trim();
      }
      function move(cell, by) {
        var next = cells[Math.min(cells.length - 1, Math.max(0, index[cell.dataset.day] + by))];
        show(next);
        next.focus();
      }
      grid.addEventListener("focusin", function (event) {
        var cell = event.target.closest("td[data-day]");
        if (cell) show(cell);
      });
      grid.addEventListener("click", function (event) {
        var cell = event.target.closest("td[data-day]");
        if (cell) cell.focus();
      });
      grid.addEventListener("keydown", function (event) {
        var cell = event.target.closest("td[data-day]");
        if (!cell) return;
        var moves = { ArrowUp: -1, ArrowDown: 1, ArrowLeft: -7, ArrowRight: 7, PageUp: -28, PageDown: 28 };
        if (event.key in moves) {
          move(cell, moves[event.key]);
        } else if (event.key === "Home") {
          move(cell, -cells.length);
        } else if (event.key === "End") {
          move(cell, cells.length);
        } else {
          return;
        }
        event.preventDefault();
      });
    });
  }

  var focusAfter = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target.closest ? event.target.closest("form") : null;
    focusAfter = form ? form.getAttribute("data-focus-after") : null;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var log = document.getElementById("log");
    if (!log || !event.detail || !event.detail.xhr) return;
    var target;
    if (event.detail.xhr.status === 422) {
      target = log.querySelector("[aria-invalid='true'], .errorlist");
    } else if (focusAfter) {
      target = document.getElementById(focusAfter);
    }
    var active = document.activeElement;
    if (!target && (!active || active === document.body)) {
      target = document.getElementById("log-result");
    }
    focusAfter = null;
    if (target) {
      if (!target.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(target.tagName)) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus({ preventScroll: true });
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", heatmaps);
  } else {
    heatmaps();
  }
})();
