// Keyboard use of the queue (j/k, Enter, x, /) and the document page (n, z), the
// highlight boxes over page images (positioned here: the CSP allows no inline
// styles), zoom to the value, and document sections loaded when opened.
(function () {
  "use strict";

  function typing(event) {
    var tag = event.target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function onKey(handler) {
    document.addEventListener("keydown", function (event) {
      if (!typing(event) && !event.ctrlKey && !event.metaKey && !event.altKey) handler(event);
    });
  }

  function queueKeys() {
    var rows = Array.prototype.slice.call(document.querySelectorAll(".queue-row"));
    var all = document.getElementById("tick-all");
    if (all) {
      all.addEventListener("change", function () {
        document.querySelectorAll(".tick").forEach(function (box) { box.checked = all.checked; });
      });
    }
    if (!rows.length) return;
    var at = 0;
    function select(i) {
      rows[at].classList.remove("selected");
      at = Math.max(0, Math.min(rows.length - 1, i));
      rows[at].classList.add("selected");
      rows[at].scrollIntoView({ block: "nearest" });
    }
    select(0);
    onKey(function (event) {
      var tick = rows[at].querySelector(".tick");
      if (event.key === "j" || event.key === "ArrowDown") { select(at + 1); event.preventDefault(); }
      else if (event.key === "k" || event.key === "ArrowUp") { select(at - 1); event.preventDefault(); }
      else if (event.key === "Enter") { rows[at].querySelector("a").click(); }
      else if (event.key === "x" && tick) { tick.checked = !tick.checked; }
      else if (event.key === "/") { document.getElementById("search").focus(); event.preventDefault(); }
    });
  }

  function documentKeys() {
    var next = document.getElementById("next-issue");
    onKey(function (event) {
      if (event.key === "n" && next) next.click();
      else if (event.key === "z") toggleZoom();
    });
  }

  function placeBoxes(root) {
    root.querySelectorAll(".box").forEach(function (box) {
      ["left", "top", "width", "height"].forEach(function (side) {
        box.style[side] = box.dataset[side] + "%";
      });
    });
  }

  // Zoomed, the page image is shown at its own resolution and scrolled so that the
  // first outlined cell is in the middle of the view.
  function toggleZoom() {
    var page = document.getElementById("page");
    var viewport = document.getElementById("viewport");
    if (!page) return;
    page.classList.toggle("zoomed");
    var box = page.querySelector(".box");
    if (page.classList.contains("zoomed") && box) {
      viewport.scrollLeft = box.offsetLeft - viewport.clientWidth / 2 + box.offsetWidth / 2;
      viewport.scrollTop = box.offsetTop - viewport.clientHeight / 2 + box.offsetHeight / 2;
    }
  }

  function zoomControls() {
    var page = document.getElementById("page");
    var button = document.getElementById("zoom");
    if (page) page.addEventListener("click", toggleZoom);
    if (button) button.addEventListener("click", toggleZoom);
  }

  // Sections are fetched when first opened; the link inside works without script.
  function lazySections() {
    document.querySelectorAll("details[data-src]").forEach(function (section) {
      section.addEventListener("toggle", function () {
        var lazy = section.querySelector(".lazy");
        if (!section.open || !lazy) return;
        lazy.textContent = "loading…";
        fetch(section.dataset.src, { credentials: "same-origin" }).then(function (response) {
          if (!response.ok) throw new Error(response.status + " " + response.statusText);
          return response.text();
        }).then(function (html) {
          var body = document.createElement("div");
          body.className = "loaded";
          body.innerHTML = html;  // the server's own escaped HTML
          lazy.replaceWith(body);
          section.dispatchEvent(new CustomEvent("loaded"));
        }).catch(function (error) {
          lazy.textContent = "could not load this section (" + error.message + "); reload the page";
        });
      });
    });
  }

  // The value the issue names gets the focus with its text selected, so typing
  // replaces it. Browsers skip `autofocus` when the address has a #fragment.
  function focusValue() {
    var field = document.querySelector("[autofocus]");
    if (!field) return;
    if (document.activeElement === document.body || document.activeElement === field) field.focus();
    if (document.activeElement === field && field.select) field.select();
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusValue();
    queueKeys();
    documentKeys();
    placeBoxes(document);
    zoomControls();
    lazySections();
  });
})();
