// PartnerTrack progressive enhancement. The pages work without it; this adds
// one-tap score buttons, the copy button and focus on the first error.
(function () {
  "use strict";

  function addChips(field) {
    var input = field.querySelector("input.score-input");
    if (!input) { return; }
    var na = field.querySelector("input.na-box");
    var chips = document.createElement("div");
    chips.className = "chips";
    // The number input stays the labelled control for keyboards and screen
    // readers; the buttons are a touch shortcut, so they are hidden from both.
    chips.setAttribute("aria-hidden", "true");
    for (var i = 0; i <= 10; i += 1) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "chip";
      b.tabIndex = -1;
      b.textContent = String(i);
      b.dataset.value = String(i);
      chips.appendChild(b);
    }
    function sync() {
      Array.prototype.forEach.call(chips.children, function (b) {
        b.classList.toggle("selected", b.dataset.value === input.value);
      });
    }
    chips.addEventListener("click", function (ev) {
      var b = ev.target.closest("button.chip");
      if (!b) { return; }
      input.value = b.dataset.value;
      if (na) { na.checked = false; }
      input.dispatchEvent(new Event("input", { bubbles: true }));
      sync();
    });
    input.addEventListener("input", function () {
      // A typed score means something did feel off: the server would ignore it otherwise.
      if (na && input.value !== "") { na.checked = false; }
      sync();
    });
    if (na) {
      na.addEventListener("change", function () {
        if (na.checked) { input.value = ""; sync(); }
      });
    }
    input.closest(".score-head").insertAdjacentElement("afterend", chips);
    sync();
  }

  function setupCopy(button) {
    button.addEventListener("click", function () {
      var target = document.querySelector(button.dataset.copy);
      var status = button.parentElement.querySelector(".copy-status");
      var text = target ? (target.href || target.textContent) : "";
      function done(msg) { if (status) { status.textContent = msg; } }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { done("Link copied."); },
          function () { done("Copy failed: select the link and copy it."); });
      } else {
        done("Select the link and copy it.");
      }
    });
  }

  // The form shows a session's earlier answers. Reloading on a date change would
  // wipe what a keyboard user is typing, so say instead that the answers shown
  // belong to another session and let the person decide.
  function setupDateSwitch(form) {
    var date = form.querySelector("input[type=date]");
    var notice = form.querySelector(".date-notice");
    if (!date || !notice) { return; }
    date.addEventListener("change", function () {
      notice.textContent = date.value && date.value !== form.dataset.prefilledDate
        ? "The answers below are the ones you gave for " + form.dataset.prefilledDate +
          ". Check each one before saving them for this date."
        : "";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-prefilled-date]").forEach(setupDateSwitch);
    document.querySelectorAll("[data-score-field]").forEach(addChips);
    document.querySelectorAll("button[data-copy]").forEach(setupCopy);
    var firstError = document.querySelector("[aria-invalid=true]");
    if (firstError) { firstError.focus(); }
  });
}());
