// Registering a vendor in the market workspace (market/vendor_new.html): the holder name
// follows the vendor's name. The page works without it (the server fills an empty holder
// name the same way); our CSP forbids inline scripts, so it lives in this file. The
// hand-over's copy and share buttons are handover.js.
(function () {
  "use strict";

  // "LÊ Thị  Bưởi" → "LE THI BUOI": how a bank shows an account holder
  // (services.bank_style_name does the same on the server).
  function bankStyle(name) {
    return name
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .toUpperCase()
      .split(/\s+/)
      .filter(Boolean)
      .join(" ");
  }

  // Registering: the holder name follows the vendor's name until someone edits it.
  var fullName = document.getElementById("id_full_name");
  var holder = document.getElementById("id_holder_name");
  if (fullName && holder) {
    var follows = !holder.value || holder.value === bankStyle(fullName.value);
    holder.addEventListener("input", function () {
      follows = holder.value === "";
    });
    fullName.addEventListener("input", function () {
      if (follows) {
        holder.value = bankStyle(fullName.value);
      }
    });
  }
})();
