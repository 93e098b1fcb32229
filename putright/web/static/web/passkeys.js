// Passkeys (WebAuthn) for two-step verification. A static file, so the Content-Security-Policy
// needs no exception. The server's options are JSON in <script id="passkey-options"
// type="application/json">; binary values travel as base64url both ways. The browser's answer
// goes in a hidden field and the form is submitted as usual, so errors come back as an
// ordinary GOV.UK error summary.
(function () {
  "use strict";
  var source = document.getElementById("passkey-options");
  var form = document.querySelector("form[data-passkey]");
  if (!source || !form) return;
  if (!window.PublicKeyCredential || !navigator.credentials) {
    var warning = document.querySelector(".putright-passkey-unsupported");
    if (warning) warning.hidden = false;
    return;
  }

  function fromB64url(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var raw = atob(b64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }

  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (d) {
      return Object.assign({}, d, { id: fromB64url(d.id) });
    });
  }

  var options = JSON.parse(source.textContent).publicKey;
  var mode = form.getAttribute("data-passkey");
  options.challenge = fromB64url(options.challenge);
  if (mode === "create") {
    options.user = Object.assign({}, options.user, { id: fromB64url(options.user.id) });
    options.excludeCredentials = descriptors(options.excludeCredentials);
  } else {
    options.allowCredentials = descriptors(options.allowCredentials);
  }

  function answer(credential) {
    var r = credential.response;
    var json = {
      id: credential.id,
      rawId: toB64url(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      response: { clientDataJSON: toB64url(r.clientDataJSON) },
    };
    if (mode === "create") {
      json.response.attestationObject = toB64url(r.attestationObject);
    } else {
      json.response.authenticatorData = toB64url(r.authenticatorData);
      json.response.signature = toB64url(r.signature);
      if (r.userHandle) json.response.userHandle = toB64url(r.userHandle);
    }
    return JSON.stringify(json);
  }

  var field = form.querySelector(mode === "create" ? "[name=credential]" : "[name=assertion]");
  form.addEventListener("submit", function (event) {
    if (field.value) return; // the answer is in: let the form go
    var name = form.querySelector("[name=name]");
    if (name && !name.value.trim()) return; // no name yet: the server asks for one first
    event.preventDefault();
    var ask = mode === "create"
      ? navigator.credentials.create({ publicKey: options })
      : navigator.credentials.get({ publicKey: options });
    ask.then(function (credential) {
      field.value = answer(credential);
    }).catch(function () {
      field.value = "{}"; // cancelled or refused: the server says so in the error summary
    }).then(function () {
      form.submit();
    });
  });
})();
