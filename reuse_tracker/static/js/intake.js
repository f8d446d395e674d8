/* Quick entry of a donation's devices: Enter moves on, rows repeat, new rows appear.
   The form works without this file; it only makes typing (and scanning) faster. */
(function () {
  "use strict";

  var form = document.querySelector("[data-intake-form]");
  if (!form) { return; }
  var grid = form.querySelector("[data-intake-grid] tbody");
  /* Carried over from the previous row: everything but what identifies one device. */
  var CARRIED = ["type", "brand", "model", "cpu", "ram_gb", "storage_gb", "year", "weight_kg"];

  form.querySelectorAll("[data-js-only]").forEach(function (element) {
    element.classList.remove("d-none");
  });

  function rows() { return Array.prototype.slice.call(grid.querySelectorAll("tr[data-row]")); }
  function cell(row, name) { return row.querySelector('[data-field="' + name + '"]'); }
  function isEmpty(row) {
    return Array.prototype.every.call(row.querySelectorAll("[data-field]"), function (input) {
      return !input.value.trim();
    });
  }

  function renumber(row, index) {
    row.querySelectorAll("[id],[name],[aria-labelledby],[aria-describedby]").forEach(function (el) {
      ["id", "name", "aria-labelledby", "aria-describedby"].forEach(function (attribute) {
        var value = el.getAttribute(attribute);
        if (value) { el.setAttribute(attribute, value.replace(/devices-\d+-/g, "devices-" + index + "-")); }
      });
    });
    row.querySelector("[data-row-number]").textContent = String(index + 1);
  }

  function addRow() {
    var all = rows();
    var last = all[all.length - 1];
    var row = last.cloneNode(true);
    renumber(row, all.length);
    row.querySelectorAll("[data-field]").forEach(function (input) {
      input.value = "";
      input.classList.remove("is-invalid");
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    });
    row.querySelectorAll(".invalid-feedback").forEach(function (note) { note.remove(); });
    delete row.dataset.carried;
    grid.appendChild(row);
    return row;
  }

  /* Once a pre-printed label was scanned into any row, each serial is followed by its label. */
  function usesLabels() {
    return Array.prototype.some.call(form.querySelectorAll('[data-field="asset_tag"]'),
      function (input) { return input.value.trim() !== ""; });
  }

  function copyPrevious(row) {
    var previous = row.previousElementSibling;
    if (!previous) { return; }
    CARRIED.forEach(function (name) { cell(row, name).value = cell(previous, name).value; });
    row.dataset.carried = "1";
  }

  function nextRow(row) {
    return row.nextElementSibling || addRow();
  }

  function focusables() {
    return Array.prototype.filter.call(
      form.querySelectorAll("input:not([type=hidden]), select"),
      function (element) { return !element.disabled && element.offsetParent !== null; });
  }

  function moveOn(target, backwards) {
    var all = focusables();
    var position = all.indexOf(target) + (backwards ? -1 : 1);
    if (all[position]) { all[position].focus(); }
  }

  /* Enter in an input with suggestions (the donor) must still pick a suggestion: let the
     browser have it, and turn the form submission it may cause into a move instead. */
  var enterIn = null;

  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || !target.matches("input, select")) { return; }
    if (target.hasAttribute("list")) {
      enterIn = target;
      window.setTimeout(function () { enterIn = null; }, 0);
      return;
    }
    event.preventDefault();
    var row = target.closest("tr[data-row]");
    var field = target.dataset.field;
    if (row && field === "serial" && target.value.trim() && usesLabels()) {
      cell(row, "asset_tag").focus();  // scanning pre-printed labels: the label comes next
      return;
    }
    if (row && (field === "serial" || field === "asset_tag") && target.value.trim()) {
      var next = nextRow(row);
      if (isEmpty(next)) { copyPrevious(next); }
      cell(next, "serial").focus();
      return;
    }
    moveOn(target, event.shiftKey);
  });

  grid.addEventListener("input", function (event) {
    var row = event.target.closest("tr[data-row]");
    if (row && !row.nextElementSibling && !isEmpty(row)) { addRow(); }
  });

  grid.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-previous]");
    if (!button) { return; }
    var row = button.closest("tr[data-row]");
    copyPrevious(row);
    if (!row.nextElementSibling) { addRow(); }
    cell(row, "serial").focus();
  });

  /* A row that was only carried over, with no serial typed, is not a device: empty it. */
  form.addEventListener("submit", function (event) {
    if (enterIn) {
      event.preventDefault();
      moveOn(enterIn, false);
      return;
    }
    rows().forEach(function (row) {
      if (row.dataset.carried && !cell(row, "serial").value.trim() &&
          !cell(row, "donor_asset_number").value.trim()) {
        row.querySelectorAll("[data-field]").forEach(function (input) { input.value = ""; });
      }
    });
  });
}());
