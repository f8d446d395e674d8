/* Scan station: the field keeps the focus; each Enter looks a device up, or applies the batch action.
 * Every action, with its fields, is done here: its form opens inside the device card, and the focus
 * comes back to the scan field once any action is done (pressed at once or saved from its form).
 * In batch mode a tag already done is not sent again, and scans made while the batch fields are
 * incomplete wait for them instead of being dropped. */
(function () {
  "use strict";
  const form = document.getElementById("scan-form");
  const input = document.getElementById("scan-input");
  const card = document.getElementById("device-card");
  const log = document.getElementById("scan-log");
  const status = document.getElementById("scan-status");
  const batchForm = document.getElementById("batch-fields");
  const waitingBox = document.getElementById("batch-waiting");
  const i18n = document.getElementById("i18n").dataset;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const counts = { ok: 0, error: 0 };
  const batchAction = form.dataset.batchAction;
  const batchKey = form.dataset.batchKey;
  const doneCodes = new Set(); // codes and tags this batch has done, as typed and as tagged
  const waiting = []; // [{code, item}] scanned before the batch fields were complete
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
    if (!ok && navigator.vibrate) {
      try { navigator.vibrate([120, 60, 120]); } catch (e) { /* not allowed here */ }
    }
  }

  function formValues(node) {
    const fields = {};
    if (!node) return fields;
    new FormData(node).forEach((value, key) => { if (value !== "") fields[key] = value; });
    return fields;
  }

  function key(code) {
    return code.trim().toUpperCase();
  }

  function setCount(kind) {
    counts[kind] += 1;
    document.getElementById("count-ok").textContent = counts.ok;
    document.getElementById("count-error").textContent = counts.error;
  }

  /* One line of the log; result is ok, error, duplicate or waiting. Returns the line to update. */
  function addLog(result, code, text, tag, item) {
    if (result === "ok" || result === "error") setCount(result);
    const styles = {
      ok: ["list-group-item-success", "bi-check-circle-fill"],
      error: ["list-group-item-danger", "bi-x-octagon-fill"],
      duplicate: ["list-group-item-warning", "bi-exclamation-triangle-fill"],
      waiting: ["list-group-item-secondary", "bi-hourglass-split"],
    }[result];
    const line = item || document.createElement("li");
    line.className = "list-group-item d-flex gap-2 align-items-start " + styles[0];
    line.dataset.result = result;
    const icon = document.createElement("i");
    icon.className = "bi " + styles[1];
    icon.setAttribute("aria-hidden", "true");
    const body = document.createElement("span");
    const strong = document.createElement("strong");
    strong.className = "mono me-2";
    strong.textContent = tag || code;
    body.append(strong, document.createTextNode(text));
    line.replaceChildren(icon, body);
    if (!item) log.prepend(line);
    status.textContent = (tag || code) + " — " + text;
    return line;
  }

  function actionButton(device, entry) {
    const style = entry.action === device.suggested ? "btn btn-primary btn-lg" : "btn btn-outline-primary btn-lg";
    const button = document.createElement("button");
    button.type = "button";
    button.className = style;
    button.textContent = entry.title;
    button.dataset.action = entry.action;
    button.addEventListener("click", () => {
      if (entry.needs_fields) {
        openForm(device, entry.action);
      } else {
        queue(() => apply(device.asset_tag, entry.action, {}, device.version));
      }
    });
    return button;
  }

  function showCard(device, ok) {
    const node = document.getElementById("card-template").content.cloneNode(true);
    const link = node.querySelector('[data-field="link"]');
    link.href = device.url;
    link.textContent = device.asset_tag;
    link.title = i18n.open;
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
    if (ok !== null) flash(ok);
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

  function showWarning(code, message) {
    const alert = document.createElement("div");
    alert.className = "alert alert-warning fs-5 mb-0";
    alert.setAttribute("role", "alert");
    const strong = document.createElement("strong");
    strong.className = "mono me-2";
    strong.textContent = code;
    alert.append(strong, document.createTextNode(message));
    card.replaceChildren(alert);
    card.hidden = false;
    flash(false);
  }

  /* Several devices share the serial or inventory number: offer them; a choice goes on as a scan. */
  function showChoices(code, data, then) {
    const box = document.createElement("div");
    box.className = "alert alert-info mb-0";
    box.setAttribute("role", "alert");
    const title = document.createElement("p");
    title.className = "fw-semibold";
    title.textContent = data.error;
    const list = document.createElement("div");
    list.className = "d-flex flex-column gap-2 scan-choices";
    list.setAttribute("aria-label", i18n.choose);
    data.choices.forEach((choice) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-outline-primary text-start";
      button.dataset.tag = choice.asset_tag;
      const tag = document.createElement("strong");
      tag.className = "mono me-2";
      tag.textContent = choice.asset_tag;
      button.append(tag, document.createTextNode(
        [choice.label, choice.serial, choice.donor_asset_number, choice.status_title].filter(Boolean).join(" · ")));
      button.addEventListener("click", () => {
        input.focus();
        queue(() => then(choice.asset_tag));
      });
      list.append(button);
    });
    box.append(title, list);
    card.replaceChildren(box);
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
      addLog("ok", code, data.device.status_title, data.device.asset_tag);
    } else if (data.choices) {
      showChoices(code, data, lookup);
    } else {
      showError(code, data.error || i18n.unknown);
      addLog("error", code, data.error || i18n.unknown);
    }
  }

  function post(code, action, fields, version) {
    const body = { code: code, action: action, fields: fields, version: version };
    if (action === batchAction && batchKey) body.batch = batchKey;
    return request(form.dataset.applyUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    });
  }

  /* Apply an action; ``item`` is the log line of a waiting scan, updated in place. */
  async function apply(code, action, fields, version, item) {
    const data = await post(code, action, fields, version);
    if (data.ok && data.duplicate) {
      showCard(data.device, null);
      showWarning(data.device.asset_tag, data.message);
      addLog("duplicate", code, data.message, data.device.asset_tag, item);
    } else if (data.ok) {
      if (action === batchAction) doneCodes.add(key(code)).add(key(data.device.asset_tag));
      showCard(data.device, true);
      addLog("ok", code, data.message, data.device.asset_tag, item);
    } else if (data.choices) {
      if (item) item.remove();
      showChoices(code, data, (tag) => apply(tag, action, fields, version));
    } else {
      showError(code, data.error || i18n.unknown);
      addLog("error", code, data.error || i18n.unknown, null, item);
    }
    // The card's button that was pressed is gone with the old card: back to the scan field
    // for the next label (the status region has told the result).
    input.focus();
    return data;
  }

  /* The form of an action with fields, inside the device card. */
  async function openForm(device, action) {
    const data = await request(
      form.dataset.formUrl + "?tag=" + encodeURIComponent(device.asset_tag) + "&action=" + encodeURIComponent(action),
      { headers: { Accept: "application/json" } });
    if (!data.ok) {
      showError(device.asset_tag, data.error || i18n.unknown);
      return;
    }
    const slot = card.querySelector('[data-field="form"]');
    if (!slot) return;
    slot.innerHTML = data.html;
    const actionForm = slot.querySelector("form");
    actionForm.addEventListener("submit", (event) => {
      event.preventDefault();
      queue(() => saveForm(actionForm));
    });
    actionForm.querySelector('[data-field="cancel"]').addEventListener("click", () => {
      slot.replaceChildren();
      input.focus();
    });
    actionForm.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        slot.replaceChildren();
        input.focus();
      }
    });
    const first = actionForm.querySelector("input, select, textarea");
    if (first) first.focus();
  }

  async function saveForm(actionForm) {
    const tag = actionForm.dataset.tag;
    const version = parseInt(actionForm.dataset.version, 10);
    const data = await post(tag, actionForm.dataset.action, formValues(actionForm), version);
    if (data.ok) {
      showCard(data.device, true);
      addLog("ok", tag, data.message, data.device.asset_tag);
      input.focus();
      return;
    }
    if (data.fields) {
      // Stay in the form: mark each field the server refused, keep what was typed.
      const banner = actionForm.querySelector('[data-field="form-error"]');
      banner.textContent = data.error;
      banner.hidden = false;
      actionForm.querySelectorAll(".is-invalid").forEach((node) => node.classList.remove("is-invalid"));
      Object.keys(data.fields).forEach((name) => {
        const field = actionForm.querySelector('[name="' + CSS.escape(name) + '"]');
        if (field) field.classList.add("is-invalid");
      });
      const invalid = actionForm.querySelector(".is-invalid");
      (invalid || banner).focus();
      flash(false);
      return;
    }
    showError(tag, data.error || i18n.unknown);
    addLog("error", tag, data.error || i18n.unknown);
    input.focus();
  }

  function queue(task) {
    // Scanners type faster than the server answers: handle scans one after the other, in order.
    busy = busy.then(task, task);
    return busy;
  }

  function batchReady() {
    return !batchForm || batchForm.checkValidity();
  }

  function showWaiting() {
    if (!waitingBox) return;
    document.getElementById("count-waiting").textContent = waiting.length;
    waitingBox.hidden = waiting.length === 0;
  }

  function applyWaiting() {
    if (!batchReady()) {
      batchForm.reportValidity();
      return;
    }
    const fields = formValues(batchForm);
    while (waiting.length) {
      const entry = waiting.shift();
      queue(() => applyBatch(entry.code, fields, entry.item));
    }
    showWaiting();
    input.focus();
  }

  function applyBatch(code, fields, item) {
    if (doneCodes.has(key(code))) {
      const message = i18n.duplicate;
      showWarning(code, message);
      addLog("duplicate", code, message, null, item);
      return Promise.resolve();
    }
    return apply(code, batchAction, fields, undefined, item);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = input.value.trim();
    input.value = "";
    input.focus();
    if (!code) return;
    if (!batchAction) {
      queue(() => lookup(code));
      return;
    }
    if (!batchReady()) {
      // Never drop a scan: it waits for the fields.
      const item = addLog("waiting", code, i18n.waiting);
      waiting.push({ code: code, item: item });
      showWaiting();
      beep(false);
      return;
    }
    const fields = formValues(batchForm);
    if (waiting.length) applyWaiting();
    queue(() => applyBatch(code, fields));
  });

  const applyWaitingButton = document.getElementById("apply-waiting");
  if (applyWaitingButton) applyWaitingButton.addEventListener("click", applyWaiting);

  // Keep the field ready for the next scan, unless the user is filling a form or a button.
  document.addEventListener("click", (event) => {
    if (!event.target.closest("input, select, textarea, button, a, label, form")) input.focus();
  });
  window.addEventListener("focus", () => {
    if (!document.activeElement || !document.activeElement.closest("form:not(#scan-form)")) input.focus();
  });
  // Chromium applies autofocus at its next rendering step; a scan may come before it.
  if (!document.querySelector("#batch-fields :focus")) input.focus();
})();
