/* aisma web UI: small progressive enhancements. Every page works without this file (plain forms);
   with it, questionnaire answers save themselves through the REST API, carrying the version they were
   read at so a concurrent edit comes back as a 409 the user sees instead of a silent overwrite. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function csrfHeader() {
    var meta = document.querySelector('meta[name="csrf-header"]');
    return meta ? meta.getAttribute("content") : "X-CSRF-Token";
  }

  function setStatus(form, kind, text) {
    var status = form.querySelector(".save-status");
    if (!status) { return; }
    status.className = "save-status " + kind;
    status.textContent = text;
  }

  function formPayload(form) {
    var checked = form.querySelector('input[name="answer"]:checked');
    var evidence = [];
    form.querySelectorAll('input[name="evidence"]').forEach(function (input) { evidence.push(input.value); });
    var version = form.getAttribute("data-version");
    var expires = form.querySelector('input[name="expires"]');
    return {
      answer: checked ? checked.value : null,
      note: form.querySelector('textarea[name="note"]').value,
      justification: form.querySelector('input[name="justification"]').value,
      evidence: evidence,
      expires: expires && expires.value ? expires.value : null,
      version: version ? parseInt(version, 10) : null
    };
  }

  function showConflict(form, current) {
    var who = current && current.answered_by ? " by " + current.answered_by : "";
    var what = current && current.answer ? "“" + current.answer + "”" : "a different answer";
    setStatus(form, "conflict",
      "Not saved: someone else changed this answer" + who + " (now " + what + "). " +
      "Reload to see their version, or save again to replace it with yours.");
    if (current && current.version !== undefined && current.version !== null) {
      form.setAttribute("data-conflict-version", String(current.version));
    }
    var retry = form.querySelector(".overwrite");
    if (retry) { retry.hidden = false; }
  }

  function save(form) {
    if (form.getAttribute("data-saving") === "1") {
      form.setAttribute("data-pending", "1");
      return Promise.resolve();
    }
    var payload = formPayload(form);
    if (!payload.answer) {
      setStatus(form, "", "Choose an answer to save.");
      return Promise.resolve();
    }
    form.setAttribute("data-saving", "1");
    setStatus(form, "", "Saving…");
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    headers[csrfHeader()] = csrfToken();
    return fetch(form.getAttribute("data-api"), {
      method: "PUT", headers: headers, credentials: "same-origin", body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok) {
          form.setAttribute("data-version", String(body.version));
          form.removeAttribute("data-conflict-version");
          var retry = form.querySelector(".overwrite");
          if (retry) { retry.hidden = true; }
          var versionInput = form.querySelector('input[name="version"]');
          if (versionInput) { versionInput.value = String(body.version); }
          setStatus(form, "saved", "Saved (version " + body.version + ").");
        } else if (response.status === 409) {
          showConflict(form, body.current || body);
        } else {
          var detail = body && body.detail ? (typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail)) : response.statusText;
          setStatus(form, "error", "Not saved: " + detail);
        }
      });
    }).catch(function () {
      setStatus(form, "error", "Not saved: the server could not be reached.");
    }).finally(function () {
      form.removeAttribute("data-saving");
      if (form.getAttribute("data-pending") === "1") {
        form.removeAttribute("data-pending");
        save(form);
      }
    });
  }

  function addEvidence(form, ref, label) {
    var list = form.querySelector(".evidence-list");
    var item = document.createElement("li");
    var hidden = document.createElement("input");
    hidden.type = "hidden"; hidden.name = "evidence"; hidden.value = ref;
    var code = document.createElement("code");
    code.textContent = label || ref;
    item.appendChild(code);
    item.appendChild(hidden);
    list.appendChild(item);
  }

  function upload(form, input) {
    if (!input.files || !input.files.length) { return; }
    var data = new FormData();
    data.append("file", input.files[0]);
    var headers = { "Accept": "application/json" };
    headers[csrfHeader()] = csrfToken();
    setStatus(form, "", "Uploading " + input.files[0].name + "…");
    fetch(form.getAttribute("data-evidence-api"), {
      method: "POST", headers: headers, credentials: "same-origin", body: data
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok) {
          // an answer cites an uploaded file as evidence/<name>, as in a files-first workspace
          addEvidence(form, "evidence/" + body.filename, "evidence/" + body.filename + " (sha256 " + String(body.sha256).slice(0, 12) + "…)");
          input.value = "";
          return save(form);
        }
        var detail = response.status === 413 ? "the file is larger than the upload limit" : (body.detail || response.statusText);
        setStatus(form, "error", "Upload failed: " + detail);
      });
    }).catch(function () { setStatus(form, "error", "Upload failed: the server could not be reached."); });
  }

  function enhanceAnswerForm(form) {
    var timer = null;
    function later() {
      clearTimeout(timer);
      timer = setTimeout(function () { save(form); }, 700);
    }
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.type === "file") { upload(form, target); return; }
      if (target.name === "answer" || target.name === "expires") { save(form); }
    });
    form.addEventListener("input", function (event) {
      if (event.target.name === "note" || event.target.name === "justification") { later(); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      var fileInput = form.querySelector('input[type="file"]');
      if (fileInput && fileInput.files && fileInput.files.length) { upload(form, fileInput); } else { save(form); }
    });
    var retry = form.querySelector(".overwrite");
    if (retry) {
      retry.addEventListener("click", function () {
        var version = form.getAttribute("data-conflict-version");
        if (version) { form.setAttribute("data-version", version); }
        save(form);
      });
    }
    form.setAttribute("data-enhanced", "1");
  }

  /* The Autonomy Test as a wizard: one question per step, Back/Next, the result computed by the server
     on submit. Without script every question shows on one page. */
  function enhanceWizard(wizard) {
    var steps = Array.prototype.slice.call(wizard.querySelectorAll(".wizard-step"));
    var progress = wizard.querySelector(".wizard-progress");
    var back = wizard.querySelector(".wizard-back");
    var next = wizard.querySelector(".wizard-next");
    var submit = wizard.querySelector(".wizard-submit");
    var index = 0;
    function show(i, moveFocus) {
      index = i;
      steps.forEach(function (step, k) { step.hidden = k !== i; });
      progress.textContent = "Question " + (i + 1) + " of " + steps.length;
      back.hidden = i === 0;
      next.hidden = i === steps.length - 1;
      submit.hidden = i !== steps.length - 1;
      var legend = steps[i].querySelector("legend");
      if (legend && moveFocus) { legend.setAttribute("tabindex", "-1"); legend.focus(); }
    }
    back.addEventListener("click", function () { show(Math.max(0, index - 1), true); });
    next.addEventListener("click", function () {
      if (!steps[index].querySelector("input:checked")) {
        progress.textContent = "Choose yes or no to continue (question " + (index + 1) + " of " + steps.length + ").";
        return;
      }
      show(Math.min(steps.length - 1, index + 1), true);
    });
    wizard.classList.add("is-wizard");
    var firstOpen = steps.findIndex(function (step) { return !step.querySelector("input:checked"); });
    show(firstOpen === -1 ? 0 : firstOpen, false);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-api]").forEach(enhanceAnswerForm);
    document.querySelectorAll("[data-wizard]").forEach(enhanceWizard);
    document.querySelectorAll("[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  });
}());
