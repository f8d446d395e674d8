/* A table wider than the screen scrolls sideways inside its frame (.table-responsive): such a
   frame is made reachable by keyboard (Tab, then the arrow keys) and named after its table,
   only while it does scroll (no useless stops on a wide screen). */
(function () {
  "use strict";
  var fallback = (document.currentScript && document.currentScript.dataset.label) || "Table";
  var frames = document.querySelectorAll(".table-responsive");
  if (!frames.length) { return; }

  function update() {
    frames.forEach(function (frame) {
      if (frame.scrollWidth > frame.clientWidth + 1) {
        var caption = frame.querySelector("caption");
        frame.setAttribute("tabindex", "0");
        frame.setAttribute("role", "region");
        frame.setAttribute("aria-label", (caption && caption.textContent.trim()) || fallback);
      } else if (frame.getAttribute("role") === "region") {
        frame.removeAttribute("tabindex");
        frame.removeAttribute("role");
        frame.removeAttribute("aria-label");
      }
    });
  }

  update();
  window.addEventListener("resize", update);
})();
