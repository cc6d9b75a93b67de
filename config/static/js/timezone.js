/* Time zones from the browser (CSP: no inline script).
   - A hidden input[data-browser-timezone] gets the browser's zone (Intl), sent with the form.
   - A visible zone box (input[data-timezone]) whose value differs from the browser's zone gets a
     button after its help text to use the browser's zone; its label comes from data-use-label. */
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone) return;
  document.querySelectorAll("input[data-browser-timezone]").forEach(function (input) {
    input.value = zone;
  });
  document.querySelectorAll("input[data-timezone]").forEach(function (input) {
    var listed = input.list && Array.prototype.some.call(input.list.options, function (o) {
      return o.value === zone;
    });
    if (!listed || input.value === zone) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary use-zone";
    button.textContent = (input.dataset.useLabel || "Use this device's time zone:") + " " + zone;
    button.addEventListener("click", function () {
      input.value = zone;
      input.focus();
      button.remove();
      var announce = document.getElementById("announce");
      if (announce) announce.textContent = input.dataset.usedLabel ? input.dataset.usedLabel + " " + zone : zone;
    });
    input.insertAdjacentElement("afterend", button);
  });
})();
