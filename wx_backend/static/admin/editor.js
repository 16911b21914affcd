// Live phone preview: re-render the case through the server's sanitizer as the editor types.
(function () {
  "use strict";
  var form = document.getElementById("case-form");
  var frame = document.getElementById("preview");
  if (!form || !frame) { return; }
  var action = form.querySelector("[formtarget=preview]");
  if (!action) { return; }
  var url = action.getAttribute("formaction");
  var timer = null;
  var pending = null;

  function refresh() {
    var data = new FormData(form);
    data.delete("action");
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(url, { method: "POST", body: data, credentials: "same-origin", signal: pending.signal })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) { frame.srcdoc = html; })
      .catch(function () { /* keep the last good preview */ });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 500);
  });
  refresh();
})();
