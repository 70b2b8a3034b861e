#!/usr/bin/env bash
# The search part of the benchmark alone: for each N, the corpus of
# bench/gen.py built once with xinyu, its search files measured, and
# search.html?q=… timed in headless Chromium from file:// (search-probe.sh).
#
#   XINYU_BIN=path/to/xinyu [XINYU_BEFORE=path/to/old/xinyu] bench/search.sh [N ...]
#
# N defaults to 1000 10000. With XINYU_BEFORE, the corpus is built with
# both binaries and the two sites are loaded in turns (one load each, TRIES
# times), so both see the same machine; the table shows before → after.
# Environment: BENCH_DIR (default /tmp/xinyu-bench; corpora are shared with
# run.sh), TRIES (loads per query and site, default 3), CHROMIUM. Prints a
# Markdown table per N and keeps the raw figures in $BENCH_DIR/search-N/.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
SCRATCH=${BENCH_DIR:-/tmp/xinyu-bench}
XINYU=${XINYU_BIN:?set XINYU_BIN to the xinyu binary to measure}
BEFORE=${XINYU_BEFORE:-}
if [ $# -gt 0 ]; then NS=("$@"); else NS=(1000 10000); fi
GEN_HASH=$(cat "$HERE/gen.py" "$HERE/pools.py" "$ROOT/curriculum/xinyu.toml" \
  "$ROOT"/curriculum/calendars/*.toml | sha256sum | cut -c1-16)
for N in "${NS[@]}"; do
  C="$SCRATCH/corpus-$N"
  if [ "$(cat "$C/.gen-hash" 2>/dev/null)" != "$GEN_HASH" ]; then
    echo "[search] generating N=$N into $C" >&2
    rm -rf "$C"
    python3 "$HERE/gen.py" "$N" "$C" >&2
    echo "$GEN_HASH" >"$C/.gen-hash"
  fi
  W="$SCRATCH/search-$N"
  rm -rf "$W"; mkdir -p "$W"
  echo "[search] N=$N: xinyu build" >&2
  "$XINYU" build "$C/xinyu" --out "$W/site" >"$W/build.log" 2>&1
  sites=(site)
  if [ -n "$BEFORE" ]; then
    echo "[search] N=$N: xinyu build (before)" >&2
    "$BEFORE" build "$C/xinyu" --out "$W/before" >"$W/build-before.log" 2>&1
    sites=(site before)
  fi
  for i in $(seq 1 "${TRIES:-3}"); do
    for s in "${sites[@]}"; do
      TRIES=1 "$HERE/search-probe.sh" "$W/$s" "$W/$s.jsonl"
    done
  done
  python3 - "$N" "$W" <<'PY'
import json, statistics, sys
from pathlib import Path
n, w = sys.argv[1], Path(sys.argv[2])
mb = lambda b: f"{b / 2**20:.2f}"
def sizes(site):
    idx = (site / "search-index.js").stat().st_size
    shards = [f.stat().st_size for f in (site / "search").glob("p-*.js")]
    blocks = [f.stat().st_size for f in (site / "search").glob("x-*.js")]
    return (f"search-index.js {mb(idx)} MB, {len(shards)} shards {mb(sum(shards))} MB "
            f"(median {mb(statistics.median(shards))} MB, largest {mb(max(shards))} MB), "
            f"text blocks {mb(sum(blocks))} MB, all {mb(idx + sum(shards) + sum(blocks))} MB, "
            f"search.html {mb((site / 'search.html').stat().st_size)} MB")
def timings(name):
    rows = {}
    for line in (w / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        rows.setdefault(d["q"], []).append(d)
    return rows
def med(ds, k):
    v = [float(d[k]) for d in ds if d.get(k)]
    return f"{statistics.median(v):.0f}" if v else "n/a"
before = (w / "before").is_dir()
if before:
    print(f"N={n} before: {sizes(w / 'before')}")
print(f"N={n}: {sizes(w / 'site')}\n")
after = timings("site")
old = timings("before") if before else {}
print("| N | query | results shown | ready ms | first result ms | with snippets ms |")
print("|---|---|---:|---:|---:|---:|")
for q, ds in after.items():
    b = old.get(q)
    arrow = lambda k: f"{med(b, k)} → {med(ds, k)}" if b else med(ds, k)
    shown = f"{b[0]['rendered']} → {ds[0]['rendered']}" if b else ds[0]["rendered"]
    print(f"| {n} | {q} | {shown} | {arrow('ready')} | {arrow('ms')} | {med(ds, 'full')} |")
PY
done
