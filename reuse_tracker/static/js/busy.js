/* Long work shows that it is under way.

   <form data-busy="Import en cours…">: on submit, the submit button turns into a spinner with
   that text, is disabled (no double submission), and a status region (role="status") says it;
   the page stays as it is until the answer arrives.

   <form data-busy="…" data-busy-download="Ouvrir le PDF">: the answer is a file (labels). It is
   fetched here while the button shows the working state, then offered as a link, instead of
   a new tab that stays blank while the file is made. Any answer but a PDF (an error page) is
   shown as without this file: the form is submitted again, normally.

   Without JavaScript the forms work as before. */
(function () {
  "use strict";

  var SPINNER = '<span class="spinner-border spinner-border-sm" aria-hidden="true"></span> ';

  function statusOf(form) {
    var status = form.querySelector("[data-busy-status]");
    if (!status) {
      status = document.createElement("p");
      status.className = "busy-status small mb-0 mt-2 w-100";
      status.setAttribute("role", "status");
      status.setAttribute("data-busy-status", "");
      form.appendChild(status);
    }
    return status;
  }

  function start(form, button) {
    var text = form.dataset.busy;
    form.setAttribute("aria-busy", "true");
    if (button) {
      button.dataset.busyLabel = button.innerHTML;
      button.disabled = true;
      button.innerHTML = SPINNER + '<span>' + text + '</span>';
    }
    statusOf(form).textContent = text;
  }

  function stop(form) {
    form.removeAttribute("aria-busy");
    form.querySelectorAll("[data-busy-label]").forEach(function (button) {
      button.innerHTML = button.dataset.busyLabel;
      button.disabled = false;
      delete button.dataset.busyLabel;
    });
  }

  function download(form, button) {
    var method = (form.getAttribute("method") || "get").toLowerCase();
    var data = new FormData(form);
    var url = form.action;
    var options = { method: method.toUpperCase(), credentials: "same-origin" };
    if (method === "get") {
      url += (url.indexOf("?") < 0 ? "?" : "&") + new URLSearchParams(data).toString();
    } else {
      options.body = data;
    }
    fetch(url, options).then(function (answer) {
      var type = answer.headers.get("Content-Type") || "";
      if (!answer.ok || type.indexOf("application/pdf") !== 0) { throw new Error(answer.status); }
      return answer.blob();
    }).then(function (blob) {
      stop(form);
      var status = statusOf(form);
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.target = "_blank";
      link.className = "btn btn-success btn-sm ms-1";
      link.textContent = form.dataset.busyDownload;
      status.textContent = form.dataset.busyDone || "";
      status.appendChild(link);
      link.focus();
    }).catch(function () {
      stop(form);
      form.dataset.busyOff = "1";
      if (button) { button.click(); } else { form.submit(); }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset || !form.dataset.busy || form.dataset.busyOff || event.defaultPrevented) {
      return;
    }
    var button = event.submitter || form.querySelector("button:not([type=button])");
    if (form.dataset.busyDownload) {
      event.preventDefault();
      start(form, button);
      download(form, button);
      return;
    }
    /* Let the browser read the form first: a disabled button is not submitted. */
    window.setTimeout(function () { start(form, button); }, 0);
  });

  /* Back to a page kept in the browser's cache: the work is over. */
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { document.querySelectorAll("form[aria-busy]").forEach(stop); }
  });
})();
