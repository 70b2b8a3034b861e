// xinyu offline search. search-index.js (loaded by a <script> tag, since
// fetch fails from file://) holds the docs' titles, URLs and filter fields;
// the postings live in shards search/p-N.js and the plain text in blocks
// search/x-K.js, added as <script> tags when a query needs them, so a big
// site loads only what a query touches. Same tokenizer as src/search.rs:
// NFKC, lowercase, CJK runs as bigrams (single characters as themselves),
// ASCII words whole. A doc must hold every term of every word; titles and
// topics rank first, then the curriculum's order. The text of the results
// shown confirms the match (dropping bigram false positives) and gives the
// snippet.
// A query typed in Traditional characters is also searched converted to
// Simplified, through the character map the build put in the index (t2s).
// Filters (band, grade, area, form, term) narrow the results and live in the URL,
// so a link such as search.html?q=情绪&area=emotions opens a filtered search.
(function () {
  "use strict";
  var data = window.XINYU_SEARCH;
  var input = document.getElementById("q");
  var FILTERS = [["band", "g"], ["grade", "y"], ["area", "a"], ["form", "f"], ["term", "s"]];
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
    return { d: d, t: norm(d.t), m: norm(d.m + " " + d.b.join(" ")) };
  });
  // From opening the page to search being ready (index loaded), for bench/.
  list.dataset.readyMs = (Math.round(performance.now() * 10) / 10).toFixed(1);
  // Shards and text blocks arrive through these callbacks.
  var shards = {}, texts = {}, pending = {};
  window.XINYU_SHARD = function (n, terms) { shards[n] = terms; };
  window.XINYU_TEXT = function (k, list) { texts[k] = list; };
  var scriptBase = (document.querySelector('script[src$="search-index.js"]') || {}).src || "";
  scriptBase = scriptBase.replace(/search-index\.js.*$/, "");
  function load(path) {
    if (!pending[path]) {
      pending[path] = new Promise(function (resolve) {
        var s = document.createElement("script");
        s.src = scriptBase + path;
        // A missing file means no postings, not a broken page.
        s.onload = s.onerror = function () { resolve(); };
        document.head.appendChild(s);
      });
    }
    return pending[path];
  }
  function shardOf(term) {
    var h = 0;
    for (var ch of term) h = (Math.imul(h, 31) + ch.codePointAt(0)) >>> 0;
    return h % Math.max(1, data.shards);
  }
  function postings(term) {
    var gaps = (shards[shardOf(term)] || {})[term] || [], ids = [], id = 0;
    for (var i = 0; i < gaps.length; i++) { id += gaps[i]; ids.push(id); }
    return ids;
  }
  function candidates(term) {
    var toks = tokens(term), set = null;
    for (var i = 0; i < toks.length; i++) {
      var post = postings(toks[i]);
      if (set === null) { set = new Set(post); continue; }
      var next = new Set();
      post.forEach(function (id) { if (set.has(id)) next.add(id); });
      set = next;
    }
    return set || new Set();
  }
  function textOf(id) {
    var block = texts[Math.floor(id / data.block)];
    return block ? block[id % data.block] || "" : "";
  }
  function escapeHtml(s) {
    return s.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }
  function snippet(raw, terms) {
    // Find the match in the text as written, so the highlight lines up;
    // NFKC can change lengths (… becomes ...), so fall back to the
    // normalised text only when the written form does not match.
    var text = raw, at = -1, len = 0;
    for (var pass = 0; pass < 2 && at < 0; pass++) {
      if (pass === 1) text = norm(raw);
      var low = text.toLowerCase();
      for (var i = 0; i < terms.length && at < 0; i++) { at = low.indexOf(terms[i]); len = terms[i].length; }
    }
    if (at < 0) return escapeHtml(raw.slice(0, 80));
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
    return (doc.t.indexOf(term) >= 0 ? 100 : 0) + (doc.m.indexOf(term) >= 0 ? 30 : 0);
  }
  var SHOWN = 50, runs = 0;
  function run() {
    var t0 = performance.now(), me = ++runs;
    delete list.dataset.ms;
    var q = norm(input.value).trim();
    var filtered = selects.some(function (f) { return f.el.value; });
    if (!q && !filtered) {
      list.innerHTML = "";
      status.textContent = "";
      if (all) all.hidden = false;
      return;
    }
    // Each word as typed and, if it differs, converted to Simplified: a
    // document matches the word when it contains either form.
    var words = q.split(/\s+/).filter(Boolean).map(function (w) {
      var s = simplified(w);
      return s === w ? [w] : [w, s];
    });
    var needed = new Set();
    words.forEach(function (forms) {
      forms.forEach(function (f) { tokens(f).forEach(function (t) { needed.add("search/p-" + shardOf(t) + ".js"); }); });
    });
    Promise.all(Array.from(needed).map(load)).then(function () {
      if (me !== runs) return;
      var ids = null;
      words.forEach(function (forms) {
        var c = new Set();
        forms.forEach(function (f) { candidates(f).forEach(function (id) { c.add(id); }); });
        if (ids === null) { ids = c; return; }
        var next = new Set(); c.forEach(function (id) { if (ids.has(id)) next.add(id); }); ids = next;
      });
      if (ids === null) ids = new Set(docs.map(function (_, i) { return i; }));
      var hits = [];
      ids.forEach(function (id) {
        var doc = docs[id], total = 0;
        if (!passes(doc.d)) return;
        words.forEach(function (forms) {
          total += Math.max.apply(null, forms.map(function (f) { return score(doc, f); }));
        });
        hits.push({ doc: doc, score: total, id: id });
      });
      hits.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
      show(hits, words, t0, me, 0, [], FIRST);
    });
  }
  // Loads the text of the next results, keeps those that really hold
  // every word (bigrams can match apart) and renders what it has: the
  // first few as soon as they are checked, then up to SHOWN.
  var FIRST = 10;
  function show(hits, words, t0, me, from, kept, size) {
    var batch = hits.slice(from, from + size);
    var blocks = new Set(batch.map(function (h) { return "search/x-" + Math.floor(h.id / data.block) + ".js"; }));
    Promise.all(Array.from(blocks).map(load)).then(function () {
      if (me !== runs) return;
      batch.forEach(function (h) {
        var text = textOf(h.id), full = h.doc.t + " " + h.doc.m + " " + norm(text);
        var ok = words.every(function (forms) {
          return forms.some(function (f) { return full.indexOf(f) >= 0; });
        });
        if (ok) { h.text = text; kept.push(h); }
      });
      var next = from + size, more = next < hits.length && kept.length < SHOWN;
      // Candidates not checked yet are counted as they are.
      var count = kept.length + Math.max(0, hits.length - next);
      if (kept.length || !more) render(kept.slice(0, SHOWN), count, words, t0);
      if (more) show(hits, words, t0, me, next, kept, SHOWN - kept.length);
    });
  }
  function render(shown, count, words, t0) {
    var terms = [];
    words.forEach(function (forms) { forms.forEach(function (f) { terms.push(f); }); });
    list.innerHTML = "";
    if (all) all.hidden = true;
    status.textContent = count
      ? (status.dataset.count || "{}").replace("{}", count)
      : (status.dataset.none || "");
    shown.forEach(function (h) {
      var li = document.createElement("li");
      li.className = "item";
      // Result URLs are relative to the output root, where search.html is.
      li.innerHTML = '<a class="item-title" href="' + escapeHtml(h.doc.d.u) + '">' +
        escapeHtml(h.doc.d.t) + '</a> <span class="tag">' + escapeHtml(h.doc.d.k) + '</span>' +
        '<div class="meta"><span>' + escapeHtml(h.doc.d.b.join("、")) + '</span><span>' + escapeHtml(h.doc.d.r) + '</span></div>' +
        '<p class="snippet">' + snippet(h.text, terms) + '</p>';
      list.appendChild(li);
    });
    // Elapsed ms from query to the first results on screen, for bench/.
    if (!list.dataset.ms) {
      list.dataset.ms = (Math.round((performance.now() - t0) * 10) / 10).toFixed(1);
    }
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
