/* "Select all" ticks every device checkbox of the page. */
(function () {
  "use strict";
  const all = document.getElementById("select-all");
  if (!all) return;
  all.addEventListener("change", () => {
    document.querySelectorAll('input[name="tag"]').forEach((box) => { box.checked = all.checked; });
  });
})();
