// Keyboard use of the queue (j/k, Enter, /) and the document page (n), and the
// highlight boxes over page images (positioned here: the CSP allows no inline styles).
(function () {
  "use strict";

  function typing(event) {
    var tag = event.target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function queueKeys() {
    var rows = Array.prototype.slice.call(document.querySelectorAll(".queue-row"));
    if (!rows.length) return;
    var at = 0;
    function select(i) {
      rows[at].classList.remove("selected");
      at = Math.max(0, Math.min(rows.length - 1, i));
      rows[at].classList.add("selected");
      rows[at].scrollIntoView({ block: "nearest" });
    }
    select(0);
    document.addEventListener("keydown", function (event) {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "j" || event.key === "ArrowDown") { select(at + 1); event.preventDefault(); }
      else if (event.key === "k" || event.key === "ArrowUp") { select(at - 1); event.preventDefault(); }
      else if (event.key === "Enter") { rows[at].querySelector("a").click(); }
      else if (event.key === "/") { document.querySelector(".filters select").focus(); event.preventDefault(); }
    });
  }

  function documentKeys() {
    var next = document.getElementById("next-issue");
    if (!next) return;
    document.addEventListener("keydown", function (event) {
      if (!typing(event) && event.key === "n") next.click();
    });
  }

  function placeBoxes() {
    document.querySelectorAll(".box").forEach(function (box) {
      ["left", "top", "width", "height"].forEach(function (side) {
        box.style[side] = box.dataset[side] + "%";
      });
    });
  }

  // Browsers skip `autofocus` when the address has a #fragment (as after saving):
  // put the focus on the value to correct all the same.
  function focusValue() {
    var field = document.querySelector("[autofocus]");
    if (field && document.activeElement === document.body) field.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusValue();
    queueKeys();
    documentKeys();
    placeBoxes();
  });
})();
