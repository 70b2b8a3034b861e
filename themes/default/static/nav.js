// xinyu band sidebar. nav/<band>.js (loaded just before this file by a
// <script> tag, so it works from file://) lists every lesson of the band;
// this fills the sidebar of a lesson page with it and marks the current
// lesson. Without JavaScript the sidebar keeps its link to the band page and
// the previous and next lessons.
(function () {
  "use strict";
  var nav = window.XINYU_NAV;
  var box = document.getElementById("sidebar-list");
  if (!nav || !box) return;
  var side = box.closest(".sidebar");
  var root = side.getAttribute("data-root") || "";
  var current = side.getAttribute("data-current");
  var frag = document.createDocumentFragment(), here = null;
  nav.terms.forEach(function (term) {
    var h = document.createElement("h3");
    h.textContent = term.name;
    frag.appendChild(h);
    var ol = document.createElement("ol");
    term.items.forEach(function (item) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = root + item[1];
      a.textContent = item[0];
      if (item[1] === current) { a.setAttribute("aria-current", "page"); here = a; }
      li.appendChild(a);
      ol.appendChild(li);
    });
    frag.appendChild(ol);
  });
  box.textContent = "";
  box.appendChild(frag);
  // Keep the current lesson in view inside a long list (the page itself
  // does not move).
  if (here && box.scrollHeight > box.clientHeight) {
    box.scrollTop = here.offsetTop - box.offsetTop - box.clientHeight / 3;
  }
})();
