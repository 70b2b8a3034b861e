#!/usr/bin/env bash
# An alternating series: xinyu and Hugo (and optionally a second xinyu)
# build the same 10,000-lesson corpus round after round, taking turns at
# going first, each build into a new folder of its own.
#
#   bench/series.sh ROUNDS XINYU [XINYU_BEFORE]
#
# Round r runs "xinyu, Hugo[, before]" when r is odd and the reverse when
# it is even, so each tool follows the other as often as it leads. Nothing
# is deleted before the builds or between them: the previous series'
# folder is renamed aside and deleted at the end, and the script waits
# SETTLE_S seconds first (see bench/run.sh for why a build soon after a
# deletion is slow on this benchmark's ext4). Prints every
# build (wall, user and system seconds, peak RSS) and, per tool, the
# median wall time and the median of the per-round ratios to Hugo.
#
# Needs the corpus bench/run.sh generates (corpus-10000 in BENCH_DIR) and
# Hugo on PATH.
#
# Environment:
#   BENCH_DIR  where the corpus is and the series writes (default
#              /tmp/xinyu-bench; /dev/shm/xinyu-bench for memory)
#   SETTLE_S   seconds to wait before the first build, for deletions
#              just before the series (361; 0 makes sense on tmpfs)
#   N          corpus size (default 10000)
#   WARMUP     unmeasured builds per tool after the wait (default 1, as in
#              bench/run.sh: the first build after it meets cold memory)
set -euo pipefail
ROUNDS=$1 X=$2 B=${3:-}
BENCH_DIR=${BENCH_DIR:-/tmp/xinyu-bench}
N=${N:-10000}
C=$BENCH_DIR/corpus-$N
W=$BENCH_DIR/series-$N
[ -d "$C/xinyu" ] && [ -d "$C/hugo" ] || { echo "no corpus in $C (run bench/run.sh $N first)" >&2; exit 1; }
command -v hugo >/dev/null || { echo "hugo is not on PATH" >&2; exit 1; }
# The previous series is deleted after this one, not before it.
if [ -e "$W" ]; then mv "$W" "$W.old-$(date +%s)"; fi
mkdir -p "$W"
export HUGO_CACHEDIR=$W/hugo-cache
LOG=$W/times
sync
sleep "${SETTLE_S:-361}"
one() { # round tool
  local out=$W/out-$2-$1
  case $2 in
    hugo) /usr/bin/time -f "$1 $2 %e %U %S %M" -a -o "$LOG" hugo -s "$C/hugo" -d "$out" --quiet ;;
    xinyu) /usr/bin/time -f "$1 $2 %e %U %S %M" -a -o "$LOG" "$X" build "$C/xinyu" -o "$out" --quiet >/dev/null 2>&1 ;;
    before) /usr/bin/time -f "$1 $2 %e %U %S %M" -a -o "$LOG" "$B" build "$C/xinyu" -o "$out" --quiet >/dev/null 2>&1 ;;
  esac
}
tools="xinyu hugo${B:+ before}"
for w in $(seq 1 "${WARMUP:-1}"); do
  for t in $tools; do LOG=$W/warmup one "w$w" "$t"; done
done
for r in $(seq 1 "$ROUNDS"); do
  order=$tools
  [ $((r % 2)) = 0 ] && order=$(echo "$tools" | tr ' ' '\n' | tac | tr '\n' ' ')
  for t in $order; do one "$r" "$t"; done
done
python3 - "$LOG" <<'P'
import collections, statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
by = collections.defaultdict(dict)
print("round tool wall_s user_s system_s peak_rss_kb")
for r, t, wall, user, sys_, rss in rows:
    print(r, t, wall, user, sys_, rss)
    by[t][int(r)] = float(wall)
med = statistics.median
for t in by:
    if t == "hugo":
        continue
    ratios = [by[t][r] / by["hugo"][r] for r in sorted(by[t])]
    print(f"{t}: median wall {med(by[t].values()):.2f} s (Hugo {med(by['hugo'].values()):.2f} s); "
          f"median of per-round ratios to Hugo {med(ratios):.3f} ({min(ratios):.3f}-{max(ratios):.3f})")
P
rm -rf "$W".old-*
