// xinyu offline search. search-index.js (loaded by a <script> tag, since
// fetch fails from file://) holds the docs as compact rows (see Row in
// src/search.rs); the postings live in shards search/p-N.js and the plain
// text in blocks search/x-K.js, added as <script> tags when a query needs
// them, so a big site loads only what a query touches. Same tokenizer as
// src/search.rs: NFKC, lowercase; the index holds every CJK character and
// every pair of neighbours, and other words whole; a query's CJK run of one
// character is looked up by itself, a longer one by its bigrams. A doc must
// hold every term of every word; titles and topics rank first, then the
// curriculum's order. A word looked up by one term is matched exactly by
// its postings, and a word in a title is seen in the title: such results
// are shown at once, their snippets filled in when their text arrives. Any
// other result is shown once its text confirms the match (bigrams can
// match apart).
// A query typed in Traditional characters is also searched converted to
// Simplified, through the character map the build put in the index (t2s).
// Filters (band, grade, area, form, term) narrow the results and live in the URL,
// so a link such as search.html?q=情绪&area=emotions opens a filtered search.
// The page says when a browser cannot run this: #search-unsupported, hidden
// by a small ES3 check in search.html that tests what this file needs.
(function () {
  "use strict";
  var data = window.XINYU_SEARCH;
  var input = document.getElementById("q");
  // Row positions of the filter fields (see Row in src/search.rs).
  var FILTERS = [["band", 6], ["grade", 10], ["area", 7], ["form", 8], ["term", 9]];
  var selects = FILTERS.map(function (f) {
    return { name: f[0], field: f[1], el: document.getElementById("f-" + f[0]) };
  }).filter(function (f) { return f.el; });
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!data || !input || !list) return;

  function norm(s) { return (s || "").normalize("NFKC").toLowerCase(); }
  var t2s = new Map(), pairs = Array.from(data.t2s || "");
  for (var p = 0; p + 1 < pairs.length; p += 2) t2s.set(pairs[p], pairs[p + 1]);
  function simplified(s) {
    return Array.from(s, function (c) { return t2s.get(c) || c; }).join("");
  }
  function isCjk(c) {
    var n = c.codePointAt(0);
    return (n >= 0x3400 && n <= 0x4dbf) || (n >= 0x4e00 && n <= 0x9fff) ||
      (n >= 0xf900 && n <= 0xfaff) || (n >= 0x20000 && n <= 0x2fa1f);
  }
  // The terms a query word is looked up by (query_terms in src/search.rs).
  function terms(text) {
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
  // The rows as they are: URLs rebuilt from their shared prefixes (one
  // pass), anything normalised only when a query first needs it.
  var w = data.w, rows = data.d, urls = new Array(rows.length), prev = "";
  for (var r = 0; r < rows.length; r++) { prev = prev.slice(0, rows[r][1]) + rows[r][2]; urls[r] = prev; }
  var normW = [], normT = [], normM = [];
  function word(code) { return normW[code] !== undefined ? normW[code] : (normW[code] = norm(w[code])); }
  function title(id) { return normT[id] !== undefined ? normT[id] : (normT[id] = norm(rows[id][0])); }
  function meta(id) {
    if (normM[id] === undefined) normM[id] = rows[id][11].concat(rows[id][4]).map(word).join(" ");
    return normM[id];
  }
  function labels(codes) { return codes.map(function (c) { return w[c]; }); }
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
  // Gaps between ascending ids; -k stands for the next k ids in a row
  // (gaps in src/search.rs).
  function postings(term) {
    var gaps = (shards[shardOf(term)] || {})[term] || [], ids = [], id = 0;
    for (var i = 0; i < gaps.length; i++) {
      var g = gaps[i];
      if (g < 0) { for (var k = 0; k < -g; k++) ids.push(++id); }
      else { id += g; ids.push(id); }
    }
    return ids;
  }
  function candidates(form) {
    var toks = terms(form), set = null;
    for (var i = 0; i < toks.length; i++) {
      var post = postings(toks[i]);
      if (set === null) { set = new Set(post); continue; }
      var next = new Set();
      post.forEach(function (id) { if (set.has(id)) next.add(id); });
      set = next;
    }
    return set || new Set();
  }
  // A form looked up by a single term that is the form itself: its
  // postings are exactly the docs that contain it.
  function exact(form) {
    var toks = terms(form);
    return toks.length === 1 && toks[0] === form;
  }
  function textOf(id) {
    var block = texts[Math.floor(id / data.block)];
    return block ? block[id % data.block] || "" : "";
  }
  function escapeHtml(s) {
    return s.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }
  // The next hit of any term at or after `from`: the earliest, and of
  // those the longest; null when there is none.
  function nextHit(low, terms, from) {
    var best = null;
    terms.forEach(function (t) {
      var at = low.indexOf(t, from);
      if (at >= 0 && (!best || at < best.at || (at === best.at && t.length > best.len))) best = { at: at, len: t.length };
    });
    return best;
  }
  // About 80 characters around the first hit, with every hit in them marked.
  function snippet(raw, terms) {
    // Find the hits in the text as written, so the marks line up; NFKC
    // can change lengths (… becomes ...), so fall back to the normalised
    // text only when the written form has no hit.
    var text = raw, low = raw.toLowerCase(), first = nextHit(low, terms, 0);
    if (!first) { text = norm(raw); low = text; first = nextHit(low, terms, 0); }
    if (!first) return escapeHtml(raw.slice(0, 80));
    var start = Math.max(0, first.at - 30), end = Math.min(text.length, first.at + first.len + 50);
    var out = start > 0 ? "…" : "", at = start, hit = first;
    while (hit && hit.at < end) {
      // A hit that runs past the window's end is shown whole.
      end = Math.max(end, hit.at + hit.len);
      out += escapeHtml(text.slice(at, hit.at)) + "<mark>" + escapeHtml(text.slice(hit.at, hit.at + hit.len)) + "</mark>";
      at = hit.at + hit.len;
      hit = nextHit(low, terms, at);
    }
    return out + escapeHtml(text.slice(at, end)) + (end < text.length ? "…" : "");
  }
  function passes(row, active) {
    for (var i = 0; i < active.length; i++) {
      var have = row[active[i].field], code = active[i].code;
      if (Array.isArray(have) ? have.indexOf(code) < 0 : have !== code) return false;
    }
    return true;
  }
  // Ranking looks at every candidate, thousands for a common word, so it
  // normalises nothing it can avoid: a Chinese form is looked for in the
  // title as written (or as the build normalised it, data.n), and in the
  // phrases through their dictionary positions, each phrase tested once.
  var cjkOnly = /^[\u3400-\u4dbf\u4e00-\u9fff]+$/, fixed = new Map(), inWord = {};
  Object.keys(data.n || {}).forEach(function (k) { fixed.set(+k, data.n[k]); });
  function plan(form) {
    return { form: form, cjk: cjkOnly.test(form), hit: inWord[form] || (inWord[form] = []) };
  }
  function inCodes(codes, p) {
    for (var i = 0; i < codes.length; i++) {
      var c = codes[i];
      if (p.hit[c] === undefined) p.hit[c] = word(c).indexOf(p.form) >= 0;
      if (p.hit[c]) return true;
    }
    return false;
  }
  function score(id, p) {
    var row = rows[id], t = p.cjk ? (fixed.get(id) || row[0]) : title(id);
    // The phrases and the band labels: what meta() joins.
    return (t.indexOf(p.form) >= 0 ? 100 : 0) + (inCodes(row[11], p) || inCodes(row[4], p) ? 30 : 0);
  }
  var SHOWN = 50, FIRST = 10, runs = 0;
  function run() {
    var t0 = performance.now(), me = ++runs;
    delete list.dataset.ms;
    delete list.dataset.fullMs;
    var q = norm(input.value).trim();
    // A filter's value as a dictionary position; -1 when no doc has it.
    selects.forEach(function (f) { f.code = f.el.value ? w.indexOf(f.el.value) : undefined; });
    var filtered = selects.some(function (f) { return f.el.value; });
    if (!q && !filtered) {
      list.innerHTML = "";
      status.textContent = "";
      return;
    }
    // Each word as typed and, if it differs, converted to Simplified: a
    // document matches the word when it contains either form.
    var words = q.split(/\s+/).filter(Boolean).map(function (word) {
      var s = simplified(word);
      return s === word ? [word] : [word, s];
    });
    var needed = new Set();
    words.forEach(function (forms) {
      forms.forEach(function (f) { terms(f).forEach(function (t) { needed.add("search/p-" + shardOf(t) + ".js"); }); });
    });
    Promise.all(Array.from(needed).map(load)).then(function () {
      if (me !== runs) return;
      // Per word, the docs with either form, and those whose form was
      // looked up by exact postings.
      var ids = null, sure = [];
      words.forEach(function (forms) {
        var c, s;
        if (forms.length === 1) {
          c = candidates(forms[0]);
          s = exact(forms[0]) ? c : new Set();
        } else {
          c = new Set(); s = new Set();
          forms.forEach(function (f) {
            var ex = exact(f);
            candidates(f).forEach(function (id) { c.add(id); if (ex) s.add(id); });
          });
        }
        sure.push(s);
        if (ids === null) { ids = c; return; }
        var next = new Set(); c.forEach(function (id) { if (ids.has(id)) next.add(id); }); ids = next;
      });
      if (ids === null) ids = new Set(rows.map(function (_, i) { return i; }));
      var active = selects.filter(function (f) { return f.code !== undefined; });
      var plans = words.map(function (forms) { return forms.map(plan); });
      var hits = [];
      ids.forEach(function (id) {
        if (active.length && !passes(rows[id], active)) return;
        var total = 0, certain = true;
        for (var i = 0; i < plans.length; i++) {
          var best = 0;
          for (var j = 0; j < plans[i].length; j++) best = Math.max(best, score(id, plans[i][j]));
          total += best;
          // Seen in the title or the phrases, or found by exact postings.
          if (!best && !sure[i].has(id)) certain = false;
        }
        hits.push({ id: id, score: total, sure: certain });
      });
      hits.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
      show(hits, words, t0, me);
    });
  }
  // Loads the text blocks of these hits and keeps their text.
  function withText(batch) {
    var blocks = new Set(batch.map(function (h) { return "search/x-" + Math.floor(h.id / data.block) + ".js"; }));
    return Promise.all(Array.from(blocks).map(load)).then(function () {
      batch.forEach(function (h) { h.text = textOf(h.id); });
    });
  }
  // Shows the hits that are sure at once (titles first, snippets when
  // their text arrives), then checks the others against their text and
  // adds those that hold every word, up to SHOWN.
  function show(hits, words, t0, me) {
    var kept = [], from = 0;
    while (from < hits.length && kept.length < SHOWN && hits[from].sure) kept.push(hits[from++]);
    function draw() {
      // Candidates not checked yet are counted as they are.
      if (me === runs) render(kept.slice(0, SHOWN), kept.length + hits.length - from, words, t0);
    }
    if (kept.length || !hits.length) draw();
    function more(size) {
      if (me !== runs || from >= hits.length || kept.length >= SHOWN) return;
      var batch = hits.slice(from, from + size);
      return withText(batch).then(function () {
        if (me !== runs) return;
        from += batch.length;
        batch.forEach(function (h) {
          var full = title(h.id) + " " + meta(h.id) + " " + norm(h.text);
          var ok = words.every(function (forms) {
            return forms.some(function (f) { return full.indexOf(f) >= 0; });
          });
          if (ok) kept.push(h);
        });
        if (kept.length || from >= hits.length) draw();
        return more(SHOWN - kept.length);
      });
    }
    var first = kept.slice(0, FIRST);
    withText(first).then(function () {
      if (me !== runs) return;
      if (first.length) draw();
      return withText(kept.slice(FIRST)).then(function () {
        if (me !== runs) return;
        if (kept.length > FIRST) draw();
        return more(kept.length ? SHOWN - kept.length : FIRST);
      });
    });
  }
  function render(shown, count, words, t0) {
    var all = [];
    words.forEach(function (forms) { forms.forEach(function (f) { all.push(f); }); });
    list.innerHTML = "";
    status.textContent = count
      ? (status.dataset.count || "{}").replace("{}", count)
      : (status.dataset.none || "");
    shown.forEach(function (h) {
      var row = rows[h.id], li = document.createElement("li");
      li.className = "item";
      // Result URLs are relative to the output root, where search.html is.
      li.innerHTML = '<a class="item-title" href="' + escapeHtml(urls[h.id]) + '">' +
        escapeHtml(row[0]) + '</a> <span class="tag">' + escapeHtml(w[row[3]]) + '</span>' +
        '<div class="meta"><span>' + escapeHtml(labels(row[4]).join("、")) + '</span><span>' + escapeHtml(w[row[5]]) + '</span></div>' +
        '<p class="snippet">' + (h.text === undefined ? "" : snippet(h.text, all)) + '</p>';
      list.appendChild(li);
    });
    // Elapsed ms from query to the first results on screen, and to the
    // first results with their snippets, for bench/.
    var ms = (Math.round((performance.now() - t0) * 10) / 10).toFixed(1);
    if (!list.dataset.ms) list.dataset.ms = ms;
    if (!list.dataset.fullMs && shown.slice(0, FIRST).every(function (h) { return h.text !== undefined; })) {
      list.dataset.fullMs = ms;
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
