/* Campaign pages: one submit per tap, an optional position for a visit, and the
   check-in page's "remember me on this phone" (kept in the phone's own storage only). */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-once]")) return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (b) {
      setTimeout(function () { b.disabled = true; }, 0);
    });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-locate]");
    if (!button || !navigator.geolocation) return;
    event.preventDefault();
    var form = button.closest("form");
    var status = form.querySelector("[data-locate-status]");
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.querySelector("input[name=latitude]").value = pos.coords.latitude.toFixed(6);
      form.querySelector("input[name=longitude]").value = pos.coords.longitude.toFixed(6);
      if (status) status.textContent = status.dataset.ok || "✓";
    }, function () {
      if (status) status.textContent = status.dataset.fail || "—";
    }, { timeout: 8000, maximumAge: 60000 });
  });

  var checkin = document.querySelector("form[data-remember]");
  if (checkin && window.localStorage) {
    var key = "bastion.checkin.me";
    var box = checkin.querySelector("input[name=remember]");
    try {
      var saved = JSON.parse(localStorage.getItem(key) || "null");
      if (saved) {
        ["name", "phone"].forEach(function (f) {
          var input = checkin.querySelector("input[name=" + f + "]");
          if (input && !input.value) input.value = saved[f] || "";
        });
        if (box) box.checked = true;
      }
    } catch (e) { localStorage.removeItem(key); }
    checkin.addEventListener("submit", function () {
      if (box && box.checked) {
        localStorage.setItem(key, JSON.stringify({
          name: checkin.querySelector("input[name=name]").value,
          phone: checkin.querySelector("input[name=phone]").value,
        }));
      } else {
        localStorage.removeItem(key);
      }
    });
  }
})();
