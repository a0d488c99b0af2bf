// The market workspace on a phone. Everything here only enhances pages that work
// without JavaScript (our CSP forbids inline scripts, so it lives in this file).
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

  // The link field selects itself, ready to copy by hand.
  document.querySelectorAll("[data-select-on-focus]").forEach(function (field) {
    field.addEventListener("focus", function () {
      field.select();
    });
  });

  var note = document.querySelector(".copy-note");

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.querySelector(button.dataset.copy);
    if (!field || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (note) {
          note.textContent = button.dataset.copied;
        }
      });
    });
  });

  // The phone's share sheet (Zalo, messages…), only where the browser has one.
  document.querySelectorAll("[data-share]").forEach(function (button) {
    var field = document.querySelector(button.dataset.share);
    if (!field || typeof navigator.share !== "function") {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator
        .share({
          title: button.dataset.shareTitle,
          text: button.dataset.shareText,
          url: field.value,
        })
        .catch(function () {
          // closed without sharing: nothing to do
        });
    });
  });
})();
