// The invitation link carries its token in the fragment (#…), which the browser never sends to
// the server: move it into the form and post it, then drop it from the address bar and history.
(function () {
  "use strict";
  var form = document.getElementById("invitation-open");
  var token = window.location.hash.slice(1);
  if (!form || !token) {
    return;
  }
  window.history.replaceState(null, "", window.location.pathname);
  form.elements.token.value = decodeURIComponent(token);
  form.submit();
})();
