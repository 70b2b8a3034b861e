#!/usr/bin/env bash
# Fuzz every target for a bounded time, then minimise its corpus.
#
#   fuzz/run.sh                 # 120 s per target
#   FUZZ_SECONDS=600 fuzz/run.sh lesson calendar
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). Only a stable
# toolchain is assumed: RUSTC_BOOTSTRAP=1 lets it use the nightly-only
# sanitizer flags. Not part of `cargo test` or CI. The corpus lives in
# fuzz/corpus/<target>/ (committed); a crash is written to
# fuzz/artifacts/<target>/ and must become a regression test under
# tests/ (see HARDENING.md).
set -euo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
seconds="${FUZZ_SECONDS:-120}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(frontmatter lesson calendar search settings html ics pack serve_path project)
# Longest input per target: as big as the real thing gets (a lesson body
# up to ~200 KB, settings and calendars far below 64 KB, a URL path a few
# KB), with headroom. FUZZ_MAX_LEN overrides it for every target.
max_len_of() {
    case "$1" in
        frontmatter | lesson) echo 262144 ;;
        serve_path) echo 4096 ;;
        project) echo 131072 ;;
        *) echo 65536 ;;
    esac
}
cargo fuzz build -O
summary=()
status=0
for t in "${targets[@]}"; do
    log="$(mktemp)"
    mkdir -p "corpus/$t" "artifacts/$t"
    max_len="${FUZZ_MAX_LEN:-$(max_len_of "$t")}"
    echo "== $t: ${seconds}s, max_len $max_len" >&2
    # One process, one thread (libFuzzer's default; `-jobs=1 -workers=1`
    # would do the same in a child writing fuzz-0.log): the machine is
    # shared, and targets run one after another.
    if cargo fuzz run -O "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 2>"$log"; then
        result="ok"
    else
        result="CRASH (see fuzz/artifacts/$t/)"
        status=1
    fi
    execs="$(grep -h 'stat::number_of_executed_units' "$log" | awk '{s+=$2} END {print s+0}')"
    tail -n 25 "$log" | grep -E 'ERROR|panicked|SUMMARY|Test unit written' >&2 || true
    mv "$log" "artifacts/$t/last-run.log"
    # Keep the committed corpus small: only inputs that add coverage.
    # FUZZ_CMIN=0 skips it (it replays the whole corpus: minutes on a
    # loaded machine).
    if [ "${FUZZ_CMIN:-1}" != 0 ]; then
        cargo fuzz cmin -O "$t" "corpus/$t" >/dev/null 2>&1 || true
    fi
    # Then keep the smallest inputs up to FUZZ_CORPUS_KB (default 400) so
    # the repository stays small; the dropped ones are bigger variants.
    budget=$(( ${FUZZ_CORPUS_KB:-400} * 1024 ))
    find "corpus/$t" -type f -printf '%s %p\n' | sort -n -k1,1 -k2,2 |
        awk -v b="$budget" '{ s += $1; if (s > b) print $2 }' | xargs -r rm -f
    files="$(find "corpus/$t" -type f | wc -l)"
    summary+=("$(printf '%-12s %8ss %12s execs max_len %7s %6s corpus files  %s' "$t" "$seconds" "$execs" "$max_len" "$files" "$result")")
done
printf '%s\n' "${summary[@]}"
exit "$status"
