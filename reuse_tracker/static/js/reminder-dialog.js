/* The overdue list's one reminder form, in a dialog.

   Each row's "Record a reminder" link leads to the reminder page of its loan; here it opens
   the list's dialog instead, whose form is sent where that page's would be. Escape or
   "Cancel" closes it and the focus goes back to the link. Without JavaScript (or without
   <dialog>), the links lead to the pages. */
(function () {
  "use strict";
  var dialog = document.getElementById("reminder-dialog");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var form = dialog.querySelector("[data-reminder-form]");
  var family = dialog.querySelector("[data-reminder-family]");
  var opener = null;
  document.querySelectorAll("a[data-reminder]").forEach(function (link) {
    link.setAttribute("aria-haspopup", "dialog");  // said by screen readers: it opens a form
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-reminder]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    opener = link;
    form.reset();
    form.action = link.href;
    family.textContent = link.dataset.reminder;
    dialog.showModal();
    form.querySelector("select").focus();
  });
  dialog.querySelector("[data-reminder-close]").addEventListener("click", function () {
    dialog.close();
  });
  dialog.addEventListener("close", function () {
    if (opener) { opener.focus(); }
  });
})();
