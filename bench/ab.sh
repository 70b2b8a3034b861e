#!/usr/bin/env bash
# Compare two xinyu binaries on one project, in pairs.
#
#   bench/ab.sh RUNS BIN_A BIN_B [PROJECT]
#
# Runs `BIN build PROJECT -o $AB_OUT --quiet` RUNS times for each binary,
# A then B in odd rounds and B then A in even ones, under /usr/bin/time,
# and prints each binary's median CPU (user + system) and wall time and
# the median of the per-round ratios B/A. A ratio within a round cancels
# the host's slow drifts better than a ratio of medians. PROJECT defaults
# to bench/run.sh's 10,000-lesson corpus in memory; AB_OUT (default
# /dev/shm/xinyu-ab) is deleted before every build.
set -euo pipefail
R=$1 A=$2 B=$3
P=${4:-/dev/shm/xinyu-bench/corpus-10000/xinyu}
OUT=${AB_OUT:-/dev/shm/xinyu-ab}
LOG=$(mktemp)
trap 'rm -rf "$LOG" "$OUT"' EXIT
one() {
  rm -rf "$OUT"
  /usr/bin/time -f "$1 $2 %e %U %S" -a -o "$LOG" "$3" build "$P" -o "$OUT" --quiet
}
for r in $(seq 1 "$R"); do
  if [ $((r % 2)) = 1 ]; then one "$r" A "$A"; one "$r" B "$B"; else one "$r" B "$B"; one "$r" A "$A"; fi
done
python3 - "$LOG" <<'P'
import collections, statistics, sys
d = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    r, k, wall, user, system = line.split()
    d[int(r)][k] = (float(wall), float(user) + float(system))
med = statistics.median
for k in "AB":
    print(f"{k}: median CPU {med(d[r][k][1] for r in d):.2f} s, wall {med(d[r][k][0] for r in d):.2f} s")
for i, what in ((1, "CPU"), (0, "wall")):
    ratios = [d[r]["B"][i] / d[r]["A"][i] for r in sorted(d)]
    print(f"B/A {what}: median of pairs {med(ratios):.3f}; each " + " ".join(f"{x:.2f}" for x in ratios))
P
