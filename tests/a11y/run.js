// Runs axe-core on the page that loads it and writes the violations as
// JSON into <pre id="axe-result">, where tests/all/a11y.rs reads them from
// Chromium's --dump-dom. Only the test's temporary copies load this file.
window.addEventListener("load", function () {
  "use strict";
  function report(value) {
    var pre = document.createElement("pre");
    pre.id = "axe-result";
    pre.textContent = JSON.stringify(value);
    document.body.appendChild(pre);
  }
  // Let the page's own scripts (search, sidebar) finish first.
  setTimeout(function () {
    window.axe.run(document, { resultTypes: ["violations"] }).then(function (r) {
      report(r.violations.map(function (v) {
        return {
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map(function (n) { return n.target.join(" ") + " :: " + (n.failureSummary || ""); })
        };
      }));
    }, function (e) { report({ error: String(e) }); });
  }, 200);
});
