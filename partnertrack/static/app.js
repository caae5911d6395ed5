// PartnerTrack progressive enhancement. The pages work without it; this adds
// one-tap score buttons, the rupture question's follow-ups, the copy button and
// focus on the first error (or on the question asked before a save).
(function () {
  "use strict";

  // One tap per answer: a row of 0-10 buttons beside each score input. The number input
  // stays the labelled control for keyboards and screen readers; the buttons are a touch
  // shortcut, so each is hidden from both.
  function addChips(field) {
    var input = field.querySelector("input.score-input");
    if (!input) { return; }
    var chips = document.createElement("div");
    chips.className = "chips";
    for (var i = 0; i <= 10; i += 1) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "chip";
      b.tabIndex = -1;
      b.setAttribute("aria-hidden", "true");
      b.textContent = String(i);
      b.dataset.value = String(i);
      chips.appendChild(b);
    }
    function sync() {
      Array.prototype.forEach.call(chips.querySelectorAll("button.chip"), function (b) {
        b.classList.toggle("selected", b.dataset.value === input.value);
      });
    }
    chips.addEventListener("click", function (ev) {
      var b = ev.target.closest("button.chip");
      if (!b) { return; }
      input.value = b.dataset.value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    input.addEventListener("input", sync);
    input.addEventListener("sync", sync);
    var row = input.parentElement;
    row.insertBefore(chips, input);
    chips.appendChild(input); // the input is the grid's last cell, after the 0-10 buttons
    sync();
  }

  // The rupture question: one set of exclusive answers. A score means something felt off
  // and was talked through; "nothing felt off" clears it; the concern box shows for the
  // answer that raises a concern (and is only sent with it).
  function setupRupture(fieldset) {
    var radios = fieldset.querySelectorAll("input[name=rupture_choice]");
    var score = fieldset.querySelector("input.score-input");
    var concern = fieldset.querySelector("[data-follow=raised]");
    var text = concern ? concern.querySelector("textarea") : null;
    function chosen() {
      var found = "";
      Array.prototype.forEach.call(radios, function (r) { if (r.checked) { found = r.value; } });
      return found;
    }
    function choose(value) {
      Array.prototype.forEach.call(radios, function (r) { r.checked = r.value === value; });
    }
    function showConcern() {
      if (!concern) { return; }
      var open = chosen() === "raised" || (text && text.value !== "" && concern.classList.contains("has-error"));
      concern.hidden = !open;
      if (text) { text.disabled = !open; }
    }
    Array.prototype.forEach.call(radios, function (r) {
      r.addEventListener("change", function () {
        if (r.value === "none" && score) {
          score.value = "";
          score.dispatchEvent(new Event("sync"));
        }
        showConcern();
      });
    });
    if (score) {
      score.addEventListener("input", function () {
        var now = chosen();
        if (score.value !== "" && (now === "" || now === "none")) { choose("repaired"); showConcern(); }
      });
    }
    showConcern();
  }
  function setupCopy(button) {
    button.addEventListener("click", function () {
      var target = document.querySelector(button.dataset.copy);
      var status = button.parentElement.querySelector(".copy-status");
      var text = target ? (target.href || target.textContent) : "";
      // The words come from the page (data-copied, ...), in the viewer's language.
      function done(msg) { if (status) { status.textContent = msg; } }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { done(button.dataset.copied); },
          function () { done(button.dataset.copyFailed); });
      } else {
        done(button.dataset.copyByHand);
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
        ? form.dataset.dateNotice  // worded by the page, in the viewer's language
        : "";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-prefilled-date]").forEach(setupDateSwitch);
    document.querySelectorAll("[data-chips]").forEach(addChips);
    document.querySelectorAll("[data-rupture]").forEach(setupRupture);
    document.querySelectorAll("button[data-copy]").forEach(setupCopy);
    var question = document.getElementById("did-you-mean");
    var firstError = document.querySelector("[aria-invalid=true]");
    if (question) { question.focus(); } else if (firstError) { firstError.focus(); }
  });
}());
