/* Scan station: the field keeps the focus; each Enter looks a device up, or applies the batch action. */
(function () {
  "use strict";
  const form = document.getElementById("scan-form");
  const input = document.getElementById("scan-input");
  const card = document.getElementById("device-card");
  const log = document.getElementById("scan-log");
  const status = document.getElementById("scan-status");
  const batchForm = document.getElementById("batch-fields");
  const i18n = document.getElementById("i18n").dataset;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const counts = { ok: 0, error: 0 };
  let audio = null;
  let busy = Promise.resolve();

  function beep(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const tones = ok ? [[880, 0, 0.09]] : [[220, 0, 0.14], [180, 0.18, 0.22]];
      tones.forEach(([freq, start, length]) => {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.frequency.value = freq;
        osc.type = ok ? "sine" : "square";
        gain.gain.value = 0.12;
        osc.connect(gain).connect(audio.destination);
        osc.start(audio.currentTime + start);
        osc.stop(audio.currentTime + length);
      });
    } catch (e) { /* no sound on this device: the colours still tell */ }
  }

  function batchFields() {
    const fields = {};
    if (!batchForm) return fields;
    new FormData(batchForm).forEach((value, key) => { if (value !== "") fields[key] = value; });
    return fields;
  }

  function addLog(ok, code, text, tag) {
    counts[ok ? "ok" : "error"] += 1;
    document.getElementById("count-ok").textContent = counts.ok;
    document.getElementById("count-error").textContent = counts.error;
    const item = document.createElement("li");
    item.className = "list-group-item d-flex gap-2 align-items-start " +
      (ok ? "list-group-item-success" : "list-group-item-danger");
    item.dataset.result = ok ? "ok" : "error";
    const icon = document.createElement("i");
    icon.className = "bi " + (ok ? "bi-check-circle-fill" : "bi-x-octagon-fill");
    icon.setAttribute("aria-hidden", "true");
    const body = document.createElement("span");
    const strong = document.createElement("strong");
    strong.className = "mono me-2";
    strong.textContent = tag || code;
    body.append(strong, document.createTextNode(text));
    item.append(icon, body);
    log.prepend(item);
    status.textContent = (tag || code) + " — " + text;
  }

  function actionButton(device, entry) {
    const style = entry.action === device.suggested ? "btn btn-primary btn-lg" : "btn btn-outline-primary btn-lg";
    if (entry.needs_fields) {
      const link = document.createElement("a");
      link.className = style;
      link.href = entry.url + "#form-" + entry.action;
      link.textContent = entry.title;
      return link;
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = style;
    button.textContent = entry.title;
    button.addEventListener("click", () => {
      queue(() => apply(device.asset_tag, entry.action, {}, device.version));
    });
    return button;
  }

  function showCard(device, ok) {
    const node = document.getElementById("card-template").content.cloneNode(true);
    const link = node.querySelector('[data-field="link"]');
    link.href = device.url;
    link.textContent = device.asset_tag;
    node.querySelector('[data-field="summary"]').textContent =
      device.type + " · " + device.label + " · " + device.serial + (device.grade ? " · " + device.grade : "");
    const badge = node.querySelector('[data-field="status"]');
    badge.textContent = device.status_title;
    badge.classList.add("status-" + device.status);
    const missing = node.querySelector('[data-field="missing"]');
    if (device.missing.length) {
      missing.textContent = i18n.missing + " " + device.missing.join(" · ");
      missing.hidden = false;
    }
    const actions = node.querySelector('[data-field="actions"]');
    if (device.actions.length === 0) {
      actions.textContent = i18n.none;
      actions.classList.add("text-muted");
    }
    device.actions.forEach((entry) => actions.append(actionButton(device, entry)));
    card.replaceChildren(node);
    card.hidden = false;
    flash(ok);
  }

  function showError(code, message) {
    const alert = document.createElement("div");
    alert.className = "alert alert-danger fs-5 mb-0";
    alert.setAttribute("role", "alert");
    const strong = document.createElement("strong");
    strong.className = "mono me-2";
    strong.textContent = code;
    alert.append(strong, document.createTextNode(message));
    card.replaceChildren(alert);
    card.hidden = false;
    flash(false);
  }

  function flash(ok) {
    card.classList.remove("scan-ok", "scan-error");
    void card.offsetWidth; // restart the animation
    card.classList.add(ok ? "scan-ok" : "scan-error");
    beep(ok);
  }

  async function request(url, options) {
    try {
      const response = await fetch(url, Object.assign({ credentials: "same-origin" }, options));
      const data = await response.json().catch(() => ({ ok: false, error: response.statusText }));
      return data;
    } catch (e) {
      return { ok: false, error: i18n.network };
    }
  }

  async function lookup(code) {
    const data = await request(form.dataset.lookupUrl + "?code=" + encodeURIComponent(code), {
      headers: { Accept: "application/json" },
    });
    if (data.ok) {
      showCard(data.device, true);
      addLog(true, code, data.device.status_title, data.device.asset_tag);
    } else {
      showError(code, data.error || i18n.unknown);
      addLog(false, code, data.error || i18n.unknown);
    }
  }

  async function apply(code, action, fields, version) {
    const data = await request(form.dataset.applyUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ code: code, action: action, fields: fields, version: version }),
    });
    if (data.ok) {
      showCard(data.device, true);
      addLog(true, code, data.message, data.device.asset_tag);
    } else {
      showError(code, data.error || i18n.unknown);
      addLog(false, code, data.error || i18n.unknown);
    }
  }

  function queue(task) {
    // Scanners type faster than the server answers: handle scans one after the other, in order.
    busy = busy.then(task, task);
    return busy;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = input.value.trim();
    input.value = "";
    input.focus();
    if (!code) return;
    const action = form.dataset.batchAction;
    if (action) {
      if (batchForm && !batchForm.checkValidity()) {
        batchForm.reportValidity();
        return;
      }
      const fields = batchFields();
      queue(() => apply(code, action, fields));
    } else {
      queue(() => lookup(code));
    }
  });

  // Keep the field ready for the next scan, unless the user is filling the batch form or a button.
  document.addEventListener("click", (event) => {
    if (!event.target.closest("input, select, textarea, button, a, label")) input.focus();
  });
  window.addEventListener("focus", () => input.focus());
  // Chromium applies autofocus at its next rendering step; a scan may come before it.
  if (!document.querySelector("#batch-fields :focus")) input.focus();
})();
