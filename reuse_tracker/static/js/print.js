/* A "Print" button: opens the browser's print dialog (the page has a print stylesheet). */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
})();
