#!/usr/bin/env bash
# Search timings of one built xinyu site in headless Chromium from file://.
#
#   bench/search-probe.sh SITE OUT.jsonl [QUERY ...]
#
# Opens SITE/search.html?q=QUERY $TRIES times per query (default 3; default
# queries: 情绪 考试焦虑 朋友 爱) and appends one JSON line per load to
# OUT.jsonl: "ready" (data-ready-ms: from opening the page until search.js
# has the index), "ms" (data-ms: from the query to the first results on
# screen), "full" (data-full-ms: to the first results with their snippets)
# and how many results were rendered. Used by run.sh and search.sh.
set -euo pipefail
SITE=$1; OUT=$2; shift 2
if [ $# -gt 0 ]; then QUERIES=("$@"); else QUERIES=(情绪 考试焦虑 朋友 爱); fi
CHROMIUM=${CHROMIUM:-chromium}
for q in "${QUERIES[@]}"; do
  enc=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$q")
  for i in $(seq 1 "${TRIES:-3}"); do
    printf '[search-probe] q=%s (%s/%s)\n' "$q" "$i" "${TRIES:-3}" >&2
    ud=$(mktemp -d)
    dom=$(timeout 300 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync \
      --user-data-dir="$ud" --virtual-time-budget=10000 \
      --dump-dom "file://$SITE/search.html?q=$enc" 2>/dev/null || true)
    rm -rf "$ud"
    tag=$(grep -o '<ol[^>]*id="search-results"[^>]*>' <<<"$dom" | head -1 || true)
    attr() { grep -o "$1=\"[0-9.]*\"" <<<"$tag" | grep -o '[0-9.]*' || true; }
    hits=$(grep -o 'class="item"' <<<"$dom" | wc -l || true)
    printf '{"page":"search","q":"%s","ms":"%s","full":"%s","ready":"%s","rendered":%s}\n' \
      "$q" "$(attr data-ms)" "$(attr data-full-ms)" "$(attr data-ready-ms)" "${hits:-0}" >>"$OUT"
  done
done
