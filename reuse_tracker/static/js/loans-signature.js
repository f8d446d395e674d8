/* Charter signature pads: draw with a finger, a stylus or a mouse (pointer events); the PNG is posted.
   Every element marked data-signature holds one pad (a canvas, its form, its clear button). */
(function () {
  "use strict";

  function setUp(block) {
    const canvas = block.querySelector("[data-signature-pad]");
    const form = block.querySelector("[data-signature-form]");
    if (!canvas || !form) return;
    const field = form.querySelector("[data-signature-data]");
    const empty = block.querySelector("[data-signature-empty]");
    const clear = block.querySelector("[data-signature-clear]");
    const context = canvas.getContext("2d");
    let drawing = false;
    let drawn = false;
    let last = null;

    // Scrolling would steal the strokes on a tablet (set here: the page allows no inline style).
    canvas.style.touchAction = "none";
    context.lineWidth = 3;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#111";

    function point(event) {
      const box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height),
      };
    }

    function start(event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      drawing = true;
      last = point(event);
      context.beginPath();
      context.arc(last.x, last.y, context.lineWidth / 2, 0, Math.PI * 2);
      context.fillStyle = context.strokeStyle;
      context.fill();
      drawn = true;
      empty.hidden = true;
    }

    function move(event) {
      if (!drawing) return;
      event.preventDefault();
      const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
      events.forEach((each) => {
        const next = point(each);
        context.beginPath();
        context.moveTo(last.x, last.y);
        context.lineTo(next.x, next.y);
        context.stroke();
        last = next;
      });
    }

    function stop() {
      drawing = false;
      last = null;
    }

    canvas.addEventListener("pointerdown", start);
    canvas.addEventListener("pointermove", move);
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("pointerleave", stop);

    clear.addEventListener("click", () => {
      context.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      field.value = "";
    });

    form.addEventListener("submit", (event) => {
      if (!drawn) {
        event.preventDefault();
        empty.hidden = false;
        return;
      }
      field.value = canvas.toDataURL("image/png");
    });
  }

  document.querySelectorAll("[data-signature]").forEach(setUp);
})();
