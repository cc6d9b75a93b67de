/* Onboarding, weekly goal: typing another amount chooses "Another amount" (the form also works
   without this script: the server reads the chosen radio and the amount). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-goal-form]");
  if (!form) return;
  var minutes = form.querySelector("input[name=custom_minutes]");
  var custom = form.querySelector("input[name=goal][value=custom]");
  if (!minutes || !custom) return;
  minutes.addEventListener("input", function () {
    if (minutes.value !== "") custom.checked = true;
  });
  form.querySelectorAll("input[name=goal]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      if (radio !== custom && radio.checked) minutes.value = "";
    });
  });
})();
