#!/usr/bin/env bash
# Build xinyu with profile-guided optimisation (PGO): the binary to hand to
# schools, and the one bench/run.sh measures.
#
#   bench/pgo.sh            prints the path of the optimised binary
#
# Three steps, all under target/pgo/ (the ordinary target/ is left alone):
#
#   1. an instrumented release build (`-Cprofile-generate`);
#   2. that binary runs the shipped curriculum the way a county uses it:
#      `check`, `build` (site, search index, every pack) and `pack` of one
#      slot; its counts are merged with llvm-profdata;
#   3. the release build again, optimised with those counts
#      (`-Cprofile-use`): LLVM lays out hot code together and inlines
#      where the runs spent their time.
#
# The optimised program gives byte-identical output to `cargo build
# --release` (the same code; only its machine code is arranged
# differently) and uses about 8% less CPU and wall time on a 10,000-lesson build
# (BENCHMARKS.md, "Issue 20, eighth round").
#
# Needs rustup's llvm-tools component for llvm-profdata (installed here if
# missing: `rustup component add llvm-tools`). Written and run on Linux; on
# Windows it is meant to run from Git Bash (paths handed to rustc and to
# the program go through cygpath), which has not been tried. The binary is
# then target/pgo/release/xinyu.exe.
#
# Environment:
#   PGO_DIR   where the build lives (default: target/pgo in the repo)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
DIR=${PGO_DIR:-$ROOT/target/pgo}
log() { printf '[pgo %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

host=$(rustc -vV | sed -n 's/^host: //p')
profdata="$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata"
if [ ! -x "$profdata" ] && [ ! -x "$profdata.exe" ]; then
  log "rustup component add llvm-tools"
  rustup component add llvm-tools >&2
fi
[ -x "$profdata" ] || profdata="$profdata.exe"

exe=""
case "$host" in *windows*) exe=".exe" ;; esac
# A path as a native program reads it from an environment variable (Git
# Bash translates arguments, not these).
native() { if command -v cygpath >/dev/null; then cygpath -m "$1"; else printf '%s' "$1"; fi; }

# The flags go in CARGO_ENCODED_RUSTFLAGS (separated by 0x1f), so a repo
# path with a space in it stays one argument.
raw="$DIR/raw"
rm -rf "$raw" "$DIR/run"
mkdir -p "$raw" "$DIR/run"
log "1/3 instrumented build"
(cd "$ROOT" && CARGO_ENCODED_RUSTFLAGS="-Cprofile-generate=$(native "$raw")" \
  cargo build --release --locked --quiet --target-dir "$DIR/gen")

log "2/3 training runs on the shipped curriculum"
trained="$DIR/gen/release/xinyu$exe"
# A fixed date, so the runs do the same work every time.
export XINYU_TODAY=2026-10-12 LLVM_PROFILE_FILE="$(native "$raw")/xinyu-%p-%m.profraw"
cp -R "$ROOT/curriculum" "$DIR/run/curriculum"
rm -rf "$DIR/run/curriculum/site"
"$trained" check "$DIR/run/curriculum" --quiet
"$trained" build "$DIR/run/curriculum" --quiet
"$trained" pack "$DIR/run/curriculum" --term 2026-autumn --slot 1 -o "$DIR/run/packs" --quiet >/dev/null
unset LLVM_PROFILE_FILE
"$profdata" merge -o "$DIR/xinyu.profdata" "$raw"

log "3/3 optimised build"
(cd "$ROOT" && CARGO_ENCODED_RUSTFLAGS="-Cprofile-use=$(native "$DIR")/xinyu.profdata" \
  cargo build --release --locked --quiet --target-dir "$DIR")
rm -rf "$DIR/run"
echo "$DIR/release/xinyu$exe"
