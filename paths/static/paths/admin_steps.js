/* The path editor (paths/admin.py).

   On a path's page, adminsortable2 moves a step to the first or last place with its ▲ ▼
   arrows, <i role="button"> elements a keyboard cannot reach: make them focusable and answer
   Enter and Space, so reordering needs no mouse.

   On a step's page, select2 (the admin's skill autocomplete) renders its box as a textbox
   named only by the chosen skill: give each box the name of its <select>, so an empty one
   ("Type a skill's name") is named too, in rows added later as well. */
(function () {
  "use strict";

  function enableArrow(arrow) {
    if (arrow.hasAttribute("tabindex")) {
      return;
    }
    arrow.setAttribute("tabindex", "0");
    arrow.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        arrow.click();
        arrow.focus();
      }
    });
  }

  function nameAutocompletes() {
    document.querySelectorAll("select.admin-autocomplete[aria-label]").forEach(function (select) {
      var box = document.getElementById("select2-" + select.id + "-container");
      if (box) {
        box.setAttribute("aria-label", select.getAttribute("aria-label"));
      }
    });
  }

  function enhance() {
    document.querySelectorAll("fieldset.sortable span.sort i[role=button]").forEach(enableArrow);
    nameAutocompletes();
  }

  // After the admin's own set-up: it makes the autocompletes in jQuery "ready" callbacks,
  // which jQuery runs one timer each; a timer queued from the first runs after them all.
  if (window.django && window.django.jQuery) {
    window.django.jQuery(function () {
      window.setTimeout(enhance, 0);
    });
  } else {
    window.addEventListener("load", enhance);
  }
  // A row added with "Add another": the admin sets up its autocomplete on the same event.
  document.addEventListener("formset:added", function () {
    window.setTimeout(enhance, 0);
  });
})();
