/* "What to teach now": picks, by today's date, which of the slots the page
   already carries to show. The page works without it (the slots stay
   hidden; the calendar links stay). No network, no build-time date: the
   day comes from the reader's clock, or from ?today=YYYY-MM-DD (for tests
   and for checking a date ahead). */
(function () {
  var box = document.getElementById("now");
  if (!box) return;
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  var q = /[?&]today=(\d{4}-\d{2}-\d{2})(?:&|$)/.exec(location.search);
  var d = new Date();
  var today = q ? q[1] : d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  var slots = box.querySelectorAll("[data-start]");
  var current = [], next = [], past = false;
  for (var i = 0; i < slots.length; i++) {
    var s = slots[i], a = s.getAttribute("data-start"), b = s.getAttribute("data-end");
    if (a <= today && today <= b) current.push(s);
    else if (b < today) past = true;
    else if (!next.length || a < next[0].getAttribute("data-start")) next = [s];
    else if (a === next[0].getAttribute("data-start")) next.push(s);
  }
  // A pack carries one slot, always shown: only the note changes.
  var fixed = box.hasAttribute("data-fixed");
  var when = current.length ? "current" : next.length ? (past ? "between" : "before") : "after";
  var show = fixed ? [] : current.length ? current : next;
  for (var j = 0; j < show.length; j++) show[j].hidden = false;
  var parts = today.split("-");
  var date = (box.getAttribute("data-date") || "{y}-{m}-{d}")
    .replace("{y}", parts[0]).replace("{m}", String(+parts[1])).replace("{d}", String(+parts[2]));
  var text = box.getAttribute("data-" + when);
  var status = document.getElementById("now-status");
  if (status && text) {
    status.textContent = text.replace("{}", date);
    status.hidden = false;
  }
  box.setAttribute("data-now", when);
  box.setAttribute("data-today", today);
})();
