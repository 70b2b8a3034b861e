// xinyu offline search. The index (search-index.js) is loaded by a <script>
// tag so it works from file://. Same tokenizer as src/search.rs: NFKC,
// lowercase, CJK runs as bigrams (single characters as themselves), ASCII
// words whole. Candidates come from the postings; a substring match then
// confirms them. Titles and topics rank before body text.
// A query typed in Traditional characters is also searched converted to
// Simplified, through the character map the build put in the index (t2s).
// Filters (band, area, form, term) narrow the results and live in the URL,
// so a link such as search.html?q=情绪&area=emotions opens a filtered search.
(function () {
  "use strict";
  var data = window.XINYU_SEARCH;
  var input = document.getElementById("q");
  var FILTERS = [["band", "g"], ["area", "a"], ["form", "f"], ["term", "s"]];
  var selects = FILTERS.map(function (f) {
    return { name: f[0], field: f[1], el: document.getElementById("f-" + f[0]) };
  }).filter(function (f) { return f.el; });
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var all = document.getElementById("search-all");
  if (!data || !input || !list) return;

  function norm(s) { return (s || "").normalize("NFKC").toLowerCase(); }
  var t2s = new Map(), pairs = Array.from(data ? data.t2s || "" : "");
  for (var p = 0; p + 1 < pairs.length; p += 2) t2s.set(pairs[p], pairs[p + 1]);
  function simplified(s) {
    return Array.from(s, function (c) { return t2s.get(c) || c; }).join("");
  }
  function isCjk(c) {
    var n = c.codePointAt(0);
    return (n >= 0x3400 && n <= 0x4dbf) || (n >= 0x4e00 && n <= 0x9fff) ||
      (n >= 0xf900 && n <= 0xfaff) || (n >= 0x20000 && n <= 0x2fa1f);
  }
  function tokens(text) {
    var out = [], cjk = [], word = "";
    function flush() {
      if (cjk.length === 1) out.push(cjk[0]);
      for (var i = 0; i + 1 < cjk.length; i++) out.push(cjk[i] + cjk[i + 1]);
      cjk = [];
    }
    for (var ch of text) {
      if (isCjk(ch)) { if (word) { out.push(word); word = ""; } cjk.push(ch); }
      else if (/[\p{L}\p{N}]/u.test(ch)) { flush(); word += ch; }
      else { flush(); if (word) { out.push(word); word = ""; } }
    }
    flush();
    if (word) out.push(word);
    return out;
  }
  var docs = data.docs.map(function (d) {
    return { d: d, t: norm(d.t), m: norm(d.m + " " + d.b.join(" ")), x: norm(d.x) };
  });
  function candidates(term) {
    var toks = tokens(term), set = null;
    for (var i = 0; i < toks.length; i++) {
      var post = data.terms[toks[i]] || [];
      if (set === null) { set = new Set(post); continue; }
      var next = new Set();
      post.forEach(function (id) { if (set.has(id)) next.add(id); });
      set = next;
    }
    return set || new Set();
  }
  function escapeHtml(s) {
    return s.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }
  function snippet(doc, terms) {
    // Find the match in the text as written, so the highlight lines up;
    // NFKC can change lengths (… becomes ...), so fall back to the
    // normalised text only when the written form does not match.
    var text = doc.d.x.replace(/\s+/g, " "), at = -1, len = 0;
    for (var pass = 0; pass < 2 && at < 0; pass++) {
      if (pass === 1) text = norm(text);
      var low = text.toLowerCase();
      for (var i = 0; i < terms.length && at < 0; i++) { at = low.indexOf(terms[i]); len = terms[i].length; }
    }
    if (at < 0) return escapeHtml(doc.d.x.replace(/\s+/g, " ").slice(0, 80));
    var start = Math.max(0, at - 30), end = Math.min(text.length, at + len + 50);
    return (start > 0 ? "…" : "") + escapeHtml(text.slice(start, at)) + "<mark>" +
      escapeHtml(text.slice(at, at + len)) + "</mark>" + escapeHtml(text.slice(at + len, end)) + (end < text.length ? "…" : "");
  }
  function passes(d) {
    return selects.every(function (f) {
      var v = f.el.value, have = d[f.field];
      return !v || (Array.isArray(have) ? have.indexOf(v) >= 0 : have === v);
    });
  }
  function score(doc, term) {
    var s = 0;
    if (doc.t.indexOf(term) >= 0) s += 100;
    if (doc.m.indexOf(term) >= 0) s += 30;
    return s + Math.min(doc.x.split(term).length - 1, 20);
  }
  function run() {
    var t0 = performance.now();
    var q = norm(input.value).trim();
    var filtered = selects.some(function (f) { return f.el.value; });
    list.innerHTML = "";
    if (!q && !filtered) { status.textContent = ""; if (all) all.hidden = false; return; }
    // Each word as typed and, if it differs, converted to Simplified: a
    // document matches the word when it contains either form.
    var words = q.split(/\s+/).filter(Boolean).map(function (w) {
      var s = simplified(w);
      return s === w ? [w] : [w, s];
    });
    var ids = null;
    words.forEach(function (forms) {
      var c = new Set();
      forms.forEach(function (f) { candidates(f).forEach(function (id) { c.add(id); }); });
      if (ids === null) { ids = c; return; }
      var next = new Set(); c.forEach(function (id) { if (ids.has(id)) next.add(id); }); ids = next;
    });
    if (ids === null) ids = new Set(docs.map(function (_, i) { return i; }));
    var terms = [], hits = [];
    words.forEach(function (forms) { forms.forEach(function (f) { terms.push(f); }); });
    ids.forEach(function (id) {
      var doc = docs[id], total = 0, ok = true;
      if (!passes(doc.d)) return;
      words.forEach(function (forms) {
        var s = Math.max.apply(null, forms.map(function (f) { return score(doc, f); }));
        if (s === 0) ok = false;
        total += s;
      });
      if (ok) hits.push({ doc: doc, score: total, id: id });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
    if (all) all.hidden = true;
    status.textContent = hits.length
      ? (status.dataset.count || "{}").replace("{}", hits.length)
      : (status.dataset.none || "");
    hits.slice(0, 50).forEach(function (h) {
      var li = document.createElement("li");
      li.className = "item";
      // Result URLs are relative to the output root, where search.html is.
      li.innerHTML = '<a class="item-title" href="' + escapeHtml(h.doc.d.u) + '">' +
        escapeHtml(h.doc.d.t) + '</a> <span class="tag">' + escapeHtml(h.doc.d.k) + '</span>' +
        '<div class="meta"><span>' + escapeHtml(h.doc.d.b.join("、")) + '</span><span>' + escapeHtml(h.doc.d.r) + '</span></div>' +
        '<p class="snippet">' + snippet(h.doc, terms) + '</p>';
      list.appendChild(li);
    });
    // Elapsed ms from query to rendered results, for bench/ to read.
    list.dataset.ms = (Math.round((performance.now() - t0) * 10) / 10).toFixed(1);
  }
  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  selects.forEach(function (f) {
    var v = params.get(f.name);
    // Only a value the page offers; anything else leaves "all".
    if (v && Array.from(f.el.options).some(function (o) { return o.value === v; })) f.el.value = v;
  });
  // The URL says what is shown, so the address can be copied or bookmarked.
  function remember() {
    var url = new URL(window.location.href), sp = new URLSearchParams();
    if (input.value) sp.set("q", input.value);
    selects.forEach(function (f) { if (f.el.value) sp.set(f.name, f.el.value); });
    url.search = sp.toString();
    try { history.replaceState(null, "", url); } catch (e) { /* some browsers refuse on file:// */ }
  }
  function update() { run(); remember(); }
  input.addEventListener("input", update);
  selects.forEach(function (f) { f.el.addEventListener("change", update); });
  document.querySelector(".search-form").addEventListener("submit", function (e) {
    e.preventDefault();
    update();
  });
  run();
})();
