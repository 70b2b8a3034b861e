#!/usr/bin/env bash
# Benchmark xinyu against Hugo and mdBook on generated corpora.
#
#   bench/run.sh [N ...]          default: 1000 10000
#
# For each N: generates a corpus (bench/gen.py) once, builds it with the three
# tools in alternation (fresh output folder per run, /usr/bin/time for wall,
# CPU and peak RSS), then measures `xinyu check`, `xinyu pack` for one slot,
# `xinyu print` for one slot (with a fake browser, see below), the search index size,
# `xinyu serve` edit-to-reload latency (bench/reload.py) and search
# time-to-first-result in headless Chromium (bench/search-probe.sh; for the
# search alone, bench/search.sh is quicker). Writes bench/results-<N>.md and
# prints it.
#
# `xinyu print --term 2026-autumn --slot 1` is timed with `--browser` set to
# a fake browser ($BENCH_DIR/fake-browser.sh, written by this script) that
# only writes a tiny file to its --print-to-pdf=PATH: the figures are xinyu's
# own work (load, plan, render the pages to print), not Chromium's.
#
# Environment:
#   XINYU_BIN     use this xinyu binary instead of building one
#   PGO=0         build with plain `cargo build --release` instead of
#                 bench/pgo.sh (profile-guided optimisation, the default since
#                 the eighth round of issue 20: the binary to hand to schools)
#   XINYU_BEFORE  a second xinyu binary (e.g. built from the commit before a
#                 change), measured as its own tool in the same run: the build
#                 as `xinyu-before` (in the alternation with xinyu, Hugo and
#                 mdBook; each run starts with the next tool), and
#                 check as `check-before`, pack and print of one slot as
#                 `pack-before` / `print-before`.
#                 The report adds a before-vs-after table (ratios after/before).
#   BENCH_DIR     scratch folder (default /tmp/xinyu-bench)
#   RUNS          runs per tool for every N (default: 5 below N=10000, else 3)
#   RELOAD_RUNS   edits for the reload probe (default 10)
#   SKIP_RELOAD=1, SKIP_SEARCH=1   leave those parts out
#   SKIP_MDBOOK=1 leave mdBook out: not installed, not built (the report says
#                 it was skipped)
#   MAX_TOOL_S    a tool whose build took longer than this (default 600 s)
#                 gets no further runs for that N (the report says how many)
#   RESUME=1      keep the measurements already in the scratch folder and
#                 only do what is missing (after an interrupted run)
#   SETTLE_S      seconds to wait before the first build (default 361; 0
#                 on tmpfs). Every build writes into a folder of its own,
#                 and nothing is deleted before the builds or between them:
#                 the previous run's work folder is renamed aside (which
#                 frees no inode) and deleted once this size is measured
#                 and reported. On ext4 without a journal (this benchmark's
#                 VM), the kernel skips inodes freed in the last 60 s (360 s
#                 while their block is unwritten, and a new file in the
#                 block dirties it again) one by one when it creates a
#                 file, so a build run soon after deleting tens of
#                 thousands of files pays for the deletion, the tool that
#                 writes more files the most (BENCHMARKS.md; in the
#                 thirteenth round a build four minutes after a million
#                 files were deleted still spent 6.7% of its time on it).
#                 The wait covers deletions just before a run, such as the
#                 end of the one before. After the builds, each tool's last
#                 output is kept as out-TOOL; the others are deleted after
#                 every other measurement.
#   WARMUP        unmeasured builds per tool before the measured runs
#                 (default 1, as hyperfine's --warmup): after the wait the
#                 guest's memory is cold (this VM hands free memory back to
#                 the host, and touching it again costs), and whichever tool
#                 built first paid for it: in the thirteenth round xinyu's
#                 first build was 3.15 s, its next two 2.62 and 2.85 s. Each
#                 warm-up build writes into a folder of its own, deleted with
#                 the other outputs after every measurement.
#   REUSE_OUT=1   the protocol before December 2026 instead: each tool's
#                 output folder is deleted right before each of its builds,
#                 and there is no wait
#   CHROMIUM      browser for the search probe (default: chromium)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
SCRATCH=${BENCH_DIR:-/tmp/xinyu-bench}
MDBOOK_VERSION=0.4.52
TOOLS="$HERE/.tools"
CHROMIUM=${CHROMIUM:-chromium}
QUERIES=(情绪 考试焦虑 朋友 爱)
if [ $# -gt 0 ]; then NS=("$@"); else NS=(1000 10000); fi
mkdir -p "$SCRATCH"

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# --- peers --------------------------------------------------------------
missing=()
command -v hugo >/dev/null || missing+=(hugo)
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get install -y "${missing[@]}"
fi

# mdBook compiles for minutes: start it first, wait for it before measuring.
MDBOOK="$TOOLS/bin/mdbook"
mdbook_pid=""
if [ -n "${SKIP_MDBOOK:-}" ]; then
  log "SKIP_MDBOOK set: mdBook is neither installed nor measured"
elif ! [ -x "$MDBOOK" ] || ! "$MDBOOK" --version | grep -q "$MDBOOK_VERSION"; then
  log "installing mdBook $MDBOOK_VERSION into $TOOLS (log: $SCRATCH/mdbook-install.log)"
  cargo install mdbook --version "$MDBOOK_VERSION" --locked --root "$TOOLS" \
    >"$SCRATCH/mdbook-install.log" 2>&1 &
  mdbook_pid=$!
fi

# --- xinyu --------------------------------------------------------------
if [ -n "${XINYU_BIN:-}" ]; then
  XINYU=$XINYU_BIN
  log "using XINYU_BIN=$XINYU (not rebuilt)"
elif [ "${PGO:-1}" = 0 ]; then
  log "cargo build --release"
  (cd "$ROOT" && cargo build --release --quiet)
  XINYU="$ROOT/target/release/xinyu"
else
  log "bench/pgo.sh (the release build with profile-guided optimisation)"
  XINYU=$("$HERE/pgo.sh")
fi
XINYU_BEFORE=${XINYU_BEFORE:-}
if [ -n "$XINYU_BEFORE" ]; then
  [ -x "$XINYU_BEFORE" ] || { log "XINYU_BEFORE=$XINYU_BEFORE is not an executable"; exit 1; }
  log "using XINYU_BEFORE=$XINYU_BEFORE as xinyu-before"
fi

# The fake browser for `xinyu print`: writes a tiny PDF-looking file where
# --print-to-pdf= says, nothing else, so print's timing is xinyu's alone.
FAKE_BROWSER="$SCRATCH/fake-browser.sh"
cat >"$FAKE_BROWSER" <<'FAKE'
#!/bin/sh
# Written by bench/run.sh: stands in for Chromium in `xinyu print --browser`.
for a in "$@"; do
  case $a in
    --print-to-pdf=*) printf '%%PDF-1.4\n%%%%EOF\n' >"${a#--print-to-pdf=}" ;;
  esac
done
FAKE
chmod +x "$FAKE_BROWSER"

if [ -n "$mdbook_pid" ]; then
  log "waiting for the mdBook install"
  wait "$mdbook_pid" || { tail -20 "$SCRATCH/mdbook-install.log"; exit 1; }
fi

XINYU_VERSION=$("$XINYU" --version | awk '{print $2}')
HUGO_VERSION=$(hugo version | awk '{print $2}' | sed 's/+.*//')
VERSIONS=("xinyu=$XINYU_VERSION, $XINYU" "hugo=$HUGO_VERSION")
BUILD_TOOLS=(xinyu hugo)
if [ -n "$XINYU_BEFORE" ]; then
  VERSIONS+=("xinyu-before=$("$XINYU_BEFORE" --version | awk '{print $2}'), $XINYU_BEFORE")
  BUILD_TOOLS=(xinyu xinyu-before hugo)
fi
SKIPPED=()
if [ -n "${SKIP_MDBOOK:-}" ]; then
  SKIPPED+=(mdbook)
else
  VERSIONS+=("mdbook=$("$MDBOOK" --version | awk '{print $2}')")
  BUILD_TOOLS+=(mdbook)
fi
GEN_HASH=$(cat "$HERE/gen.py" "$HERE/pools.py" "$ROOT/curriculum/xinyu.toml" \
  "$ROOT"/curriculum/calendars/*.toml | sha256sum | cut -c1-16)

# time_run FILE CMD...: runs CMD under /usr/bin/time; FILE gets "wall user sys rssKB".
time_run() {
  local file=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$file" "$@" >/dev/null 2>"$file.err" || {
    echo "FAILED: $*" >&2; tail -20 "$file.err" >&2; return 1; }
}

# build_cmd TOOL OUT: sets BUILD to the command that builds the corpus in
# $C with TOOL into OUT (the measured runs and the warm-up share it).
build_cmd() {
  case $1 in
    xinyu) BUILD=("$XINYU" build "$C/xinyu" --out "$2") ;;
    xinyu-before) BUILD=("$XINYU_BEFORE" build "$C/xinyu" --out "$2") ;;
    hugo) BUILD=(hugo -s "$C/hugo" -d "$2" --quiet) ;;
    mdbook) BUILD=("$MDBOOK" build "$C/mdbook" -d "$2") ;;
  esac
}

# warm_up TOOL OUT: one unmeasured build of TOOL into OUT (uses $W).
# A build still running after MAX_TOOL_S is stopped: mdBook takes over ten
# minutes at N=10,000, and its measured run says so on its own.
warm_up() {
  local rc=0
  build_cmd "$1" "$2"
  timeout "${MAX_TOOL_S:-600}" "${BUILD[@]}" >/dev/null 2>"$W/warmup-$1.err" || rc=$?
  if [ "$rc" = 124 ]; then
    log "$1's warm-up build stopped after ${MAX_TOOL_S:-600} s (MAX_TOOL_S)"
  elif [ "$rc" != 0 ]; then
    echo "FAILED (warm-up): $1" >&2; tail -20 "$W/warmup-$1.err" >&2; return 1
  fi
}

# too_slow WORK TOOL: "yes" when a measured run of TOOL took over MAX_TOOL_S,
# or a run was stopped by hand (a TOOL.<run>.killed note, see report.py).
too_slow() {
  if compgen -G "$1/times/$2.*.killed" >/dev/null; then echo yes; return; fi
  cat "$1"/times/"$2".[0-9] "$1"/times/"$2".[0-9][0-9] 2>/dev/null | awk -v max="${MAX_TOOL_S:-600}" \
    '/^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+$/ && $1 + 0 > max + 0 { slow = 1 } END { print (slow ? "yes" : "no") }'
}

for N in "${NS[@]}"; do
  C="$SCRATCH/corpus-$N"
  if [ "$(cat "$C/.gen-hash" 2>/dev/null)" != "$GEN_HASH" ]; then
    log "generating N=$N into $C"
    rm -rf "$C"
    python3 "$HERE/gen.py" "$N" "$C" >&2
    echo "$GEN_HASH" >"$C/.gen-hash"
  fi
  if [ "$N" -ge 10000 ]; then R=${RUNS:-3}; else R=${RUNS:-5}; fi
  W="$SCRATCH/work-$N"
  # The previous run's folder is renamed aside now and deleted after this
  # size is measured: a deletion before the builds would slow them.
  OLD=""
  if [ -z "${RESUME:-}" ] && [ -e "$W" ]; then
    OLD="$W.old-$(date +%s)"
    mv "$W" "$OLD"
  fi
  mkdir -p "$W/times"
  if [ -z "${REUSE_OUT:-}" ] && [ -z "${RESUME:-}" ] && [ "${SETTLE_S:-361}" != 0 ]; then
    log "N=$N: waiting ${SETTLE_S:-361} s so inodes freed just before can be reused (see SETTLE_S)"
    sync
    sleep "${SETTLE_S:-361}"
  fi
  export HUGO_CACHEDIR="$W/hugo-cache"

  if [ -z "${RESUME:-}" ] || ! [ -s "$W/check.jsonl" ]; then
    log "N=$N: checking the xinyu corpus"
    "$XINYU" check "$C/xinyu" --format json >"$W/check.jsonl" 2>"$W/check.err" || true
  fi

  # Warm-up builds, in the first run's order, none of them timed.
  for w in $(seq 1 "${WARMUP:-1}"); do
    for tool in "${BUILD_TOOLS[@]}"; do
      [ -s "$W/times/$tool.1" ] && continue  # RESUME: measuring has begun
      if [ -n "${REUSE_OUT:-}" ]; then out="$W/out-$tool"; else out="$W/out-$tool.warm$w"; fi
      rm -rf "$out"
      log "N=$N warm-up $w/${WARMUP:-1}: $tool"
      warm_up "$tool" "$out"
    done
  done

  for r in $(seq 1 "$R"); do
    # Each run starts with the next tool: the first build of a series,
    # just after the previous work folder was deleted, is the slowest
    # (eleventh round: 2.90 s against 2.24–2.55 s for the same program),
    # and it used to be xinyu's every time.
    n_tools=${#BUILD_TOOLS[@]}
    first=$(( (r - 1) % n_tools ))
    order=("${BUILD_TOOLS[@]:$first}" "${BUILD_TOOLS[@]:0:$first}")
    for tool in "${order[@]}"; do
      [ -s "$W/times/$tool.$r" ] && continue  # RESUME: already measured
      if [ "$(too_slow "$W" "$tool")" = yes ]; then
        log "N=$N run $r/$R: $tool skipped (an earlier run took over ${MAX_TOOL_S:-600} s)"
        continue
      fi
      if [ -n "${REUSE_OUT:-}" ]; then out="$W/out-$tool"; else out="$W/out-$tool.$r"; fi
      rm -rf "$out"
      log "N=$N run $r/$R: $tool"
      build_cmd "$tool" "$out"
      time_run "$W/times/$tool.$r" "${BUILD[@]}"
    done
  done
  cp "$(ls "$W"/times/xinyu.*.err | tail -1)" "$W/xinyu-build.log"
  if [ -z "${REUSE_OUT:-}" ]; then
    # Each tool's last output becomes out-TOOL (the report and the search
    # probe read it). The others are deleted only after everything is
    # measured: pack, print and serve write files too, and would pay for
    # the inodes freed just before them.
    for tool in "${BUILD_TOOLS[@]}"; do
      for r in $(seq "$R" -1 1); do
        if [ -d "$W/out-$tool.$r" ]; then
          rm -rf "$W/out-$tool"
          mv "$W/out-$tool.$r" "$W/out-$tool"
          break
        fi
      done
    done
  fi

  # (a0) xinyu check, timed; (a) xinyu pack for one slot; (a') xinyu print
  # for one slot, fake browser. check/pack/print use $XINYU,
  # check-before/pack-before/print-before $XINYU_BEFORE, in turns.
  for what in check pack print; do
    for r in $(seq 1 "$R"); do
      order=("$what"); bins=("$XINYU")
      if [ -n "$XINYU_BEFORE" ]; then
        order=("$what" "$what-before"); bins=("$XINYU" "$XINYU_BEFORE")
        if [ $((r % 2)) -eq 0 ]; then
          order=("$what-before" "$what"); bins=("$XINYU_BEFORE" "$XINYU")
        fi
      fi
      for i in "${!order[@]}"; do
        name=${order[$i]}
        [ -s "$W/times/$name.$r" ] && continue
        rm -rf "$W/out-$name"
        log "N=$N run $r/$R: $name"
        case $what in
          check) time_run "$W/times/$name.$r" "${bins[$i]}" check "$C/xinyu" ;;
          pack) time_run "$W/times/$name.$r" "${bins[$i]}" pack "$C/xinyu" \
            --term 2026-autumn --slot 1 --out "$W/out-$name" ;;
          print) time_run "$W/times/$name.$r" "${bins[$i]}" print "$C/xinyu" \
            --term 2026-autumn --slot 1 --browser "$FAKE_BROWSER" --out "$W/out-$name" ;;
        esac
      done
    done
  done

  # (c) serve: edit-to-reload latency
  if [ -z "${SKIP_RELOAD:-}" ]; then
    log "N=$N: serve reload latency"
    python3 "$HERE/reload.py" "$XINYU" "$C/xinyu" --lesson lessons/junior-high/autumn-0003.md \
      --runs "${RELOAD_RUNS:-10}" >"$W/reload.json"
  fi

  # (d) search: time to first result, headless Chromium from file://
  SITE="$W/out-xinyu"
  : >"$W/search.jsonl"
  if [ -z "${SKIP_SEARCH:-}" ]; then
    CHROMIUM=$CHROMIUM "$HERE/search-probe.sh" "$SITE" "$W/search.jsonl" "${QUERIES[@]}"
  fi

  if [ -z "${REUSE_OUT:-}" ]; then
    for tool in "${BUILD_TOOLS[@]}"; do rm -rf "$W/out-$tool".[0-9]* "$W/out-$tool".warm*; done
  fi

  python3 "$HERE/report.py" --n "$N" --runs "$R" --work "$W" --corpus "$C" \
    --protocol "$([ -n "${REUSE_OUT:-}" ] && echo reused || echo settled)" \
    --warmup "${WARMUP:-1}" \
    --versions "${VERSIONS[@]}" ${SKIPPED[@]+--skipped "${SKIPPED[@]}"} \
    >"$HERE/results-$N.md"
  cat "$HERE/results-$N.md"
  # Earlier work folders, this run's own included if an earlier run was
  # interrupted before this point.
  if [ -n "$OLD" ] || compgen -G "$W.old-*" >/dev/null; then
    log "N=$N: deleting the previous run's work folder"
    rm -rf "$W".old-*
  fi
done
