#!/usr/bin/env python3
"""Turn one N's measurements from bench/run.sh into Markdown (stdout)."""

import argparse
import collections
import json
import os
import re
import statistics
from pathlib import Path


def tree(path, suffix=None):
    """(file count, bytes) of files under path, optionally by suffix."""
    n = size = 0
    for dirpath, _dirs, files in os.walk(path):
        for f in files:
            if f == "bench-search.html":  # copied in by run.sh after the builds
                continue
            if suffix is None or f.endswith(suffix):
                n += 1
                size += os.path.getsize(os.path.join(dirpath, f))
    return n, size


def times(work, tool, runs):
    """(wall, CPU, RSS KB) of every measured run; a tool that was too slow
    may have fewer runs than asked for."""
    return [t for t in (times_of_run(work, tool, r) for r in range(1, runs + 1)) if t]


def paired_walls(work, a, b, runs):
    """(wall of a, wall of b) for every run number both have."""
    pairs = []
    for r in range(1, runs + 1):
        x, y = times_of_run(work, a, r), times_of_run(work, b, r)
        if x and y:
            pairs.append((x[0], y[0]))
    return pairs


def times_of_run(work, tool, r):
    """(wall, CPU, RSS KB) of run r of tool, or None if it was not measured."""
    f = Path(work) / "times" / f"{tool}.{r}"
    if f.exists() and f.read_text().strip():
        wall, user, sys_, rss = f.read_text().split()[-4:]
        return float(wall), float(user) + float(sys_), int(rss)
    return None


def user_sys_of_run(work, tool, r):
    """(user CPU s, system CPU s) of run r of tool, or None."""
    f = Path(work) / "times" / f"{tool}.{r}"
    if f.exists() and f.read_text().strip():
        _, user, sys_, _ = f.read_text().split()[-4:]
        return float(user), float(sys_)
    return None


def fmt(x, nd=2):
    return f"{x:.{nd}f}"


NAMES = {"xinyu": "xinyu", "xinyu-before": "xinyu-before", "hugo": "Hugo", "mdbook": "mdBook"}


def summary(rows):
    """Medians of wall and CPU, the largest RSS (MB), every wall time."""
    return dict(wall=statistics.median(r[0] for r in rows), cpu=statistics.median(r[1] for r in rows),
                rss=max(r[2] for r in rows) / 1024, walls=[r[0] for r in rows],
                cpus=[r[1] for r in rows], rsss=[r[2] / 1024 for r in rows], runs=len(rows))


PROTOCOLS = {
    "settled": "each into a new folder of its own, with nothing deleted between builds and a wait of "
               "SETTLE_S seconds after the previous work folder was deleted (see bench/run.sh)",
    "reused": "each into a fresh folder deleted right before the build (REUSE_OUT=1: on ext4 without a "
              "journal the next build pays for the deleted files)",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--runs", type=int, required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--versions", nargs="+", required=True,
                    help="TOOL=VERSION for every tool measured (xinyu, hugo, and xinyu-before, mdbook if run)")
    ap.add_argument("--skipped", nargs="*", default=[], help="tools left out on purpose (mdbook)")
    ap.add_argument("--protocol", choices=["settled", "reused"], default="settled",
                    help="settled: every build into a new folder, nothing deleted between builds; "
                         "reused: each tool's folder deleted right before each of its builds")
    ap.add_argument("--warmup", type=int, default=0,
                    help="unmeasured builds per tool before the measured runs")
    a = ap.parse_args()
    w, c = Path(a.work), Path(a.corpus)
    versions = dict(v.split("=", 1) for v in a.versions)
    tools = [t for t in ("xinyu", "xinyu-before", "hugo", "mdbook") if t in versions]
    before = "xinyu-before" in versions
    cpus = os.cpu_count()
    load = Path("/proc/loadavg").read_text().split()[:3]
    turns = " → ".join(NAMES[t] for t in tools)
    turns += " (each run starts with the next tool in this order, so no tool always goes first)"
    warm = (f"each tool built {'once' if a.warmup == 1 else f'{a.warmup} times'} first, unmeasured (WARMUP); "
            if a.warmup else "no warm-up build; ")
    out = [f"## N = {a.n} lessons", "",
           f"{a.runs} runs per tool (unless the table says fewer), alternating {turns}, {PROTOCOLS[a.protocol]}; "
           f"{warm}medians shown; peak RSS is the largest of the runs. Machine: {cpus} CPUs, "
           f"load average at report time {' '.join(load)} (other jobs were running: figures are indicative).", ""]
    if before:
        out += [f"xinyu is `{versions['xinyu'].split(', ', 1)[-1]}`; xinyu-before (the code before the change) is "
                f"`{versions['xinyu-before'].split(', ', 1)[-1]}`. pack and print are the same commands run by each; "
                "`-before` marks xinyu-before's rows.", ""]
    for t in a.skipped:
        out += [f"**{NAMES.get(t, t)} was skipped in this run** (SKIP_{t.upper()}=1): it was neither built nor measured, "
                "and its rows say so.", ""]
    versions = {t: v.split(", ", 1)[0] for t, v in versions.items()}

    stats = {}
    killed = {}
    for tool in tools:
        # A run stopped by hand leaves TOOL.<run>.killed: "elapsed-s cpu-time rss-KB"
        # then "pages_written P". It is reported, not counted as a build.
        for k in sorted((w / "times").glob(f"{tool}.*.killed")):
            f = k.read_text().split()
            killed[tool] = (int(f[0]), f[1], int(f[2]) / 1024, int(f[4]))
            (w / "times" / k.name[: -len(".killed")]).unlink(missing_ok=True)
        rows = times(w, tool, a.runs)
        if not rows:
            continue
        pages, _ = tree(w / f"out-{tool}", ".html")
        _, size = tree(w / f"out-{tool}")
        st = summary(rows)
        stats[tool] = dict(st, pages=pages, size=size / 2**20,
                           pps=pages / st["wall"] if st["wall"] else float("inf"))
    out += ["| tool | version | pages (*.html) | median wall s | median CPU s | peak RSS MB | output MB | pages/s | runs: wall s each |",
            "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for tool in tools + a.skipped:
        if tool in a.skipped:
            out.append(f"| {tool} | not measured | skipped (SKIP_{tool.upper()}=1) | – | – | – | – | – | 0 |")
            continue
        if tool not in stats and tool not in killed:
            out.append(f"| {tool} | {versions[tool]} | no run finished | – | – | – | – | – | 0 |")
            continue
        if tool not in stats:
            e, cpu, rss, pages = killed[tool]
            out.append(f"| {tool} | {versions[tool]} | {pages} written, unfinished | > {e} (stopped) | "
                       f"{cpu} so far | {fmt(rss, 1)} so far | n/a | {fmt(pages / e, 1)} while running | 0 |")
            continue
        s = stats[tool]
        out.append(f"| {tool} | {versions[tool]} | {s['pages']} | {fmt(s['wall'])} | {fmt(s['cpu'])} | "
                   f"{fmt(s['rss'], 1)} | {fmt(s['size'], 1)} | {fmt(s['pps'], 0)} | "
                   f"{s['runs']}: {', '.join(fmt(x) for x in s['walls'])} |")
    # System time is mostly the kernel creating the output's files, and it
    # moves between runs far more than the tools' own work does.
    out += ["", "CPU by kind (the kernel's share is mostly creating files; on a filesystem without a journal "
            "it grows when the previous run's files were just deleted, so compare user time across tools):", "",
            "| tool | median user s | median system s | runs: user / system s each |", "|---|---:|---:|---|"]
    for tool in tools:
        us = [x for x in (user_sys_of_run(w, tool, r) for r in range(1, a.runs + 1)) if x]
        if us:
            out.append(f"| {tool} | {fmt(statistics.median(u for u, _ in us))} | "
                       f"{fmt(statistics.median(v for _, v in us))} | "
                       f"{', '.join(f'{fmt(u)} / {fmt(v)}' for u, v in us)} |")
    x = stats["xinyu"]
    out += ["", "xinyu relative to each peer (pages/s ratio > 1: xinyu faster per page; "
            "RSS ratio > 1: xinyu uses more memory; wall ratio > 1: xinyu takes longer):", "",
            "| vs | pages/s ratio | wall-time ratio | peak RSS ratio |", "|---|---:|---:|---:|"]
    for peer in ("hugo", "mdbook"):
        if peer in a.skipped:
            out.append(f"| {peer} | skipped | skipped | skipped |")
            continue
        if peer not in stats and peer not in killed:
            continue
        if peer not in stats:
            out.append(f"| {peer} | n/a (build stopped unfinished) | < {fmt(x['wall'] / killed[peer][0])} | n/a |")
            continue
        p = stats[peer]
        out.append(f"| {peer} | {fmt(x['pps'] / p['pps'])} | {fmt(x['wall'] / p['wall'])} | {fmt(x['rss'] / p['rss'])} |")

    # What each tool did.
    n_pack_zips, pack_bytes = tree(w / "out-xinyu" / "packs", ".zip")
    out += ["", "Work done: Hugo renders one page per lesson, one list page per band and the home page. "
            + ("mdBook renders one page per lesson and per band plus print.html (the whole book on one page), "
               "and builds a search index (its default), like xinyu. " if "mdbook" in tools else "")
            + f"xinyu also renders meetings, parent handouts, calendars, a print page and a worksheet page per lesson, "
            f"the search index and {n_pack_zips} zip packs ({fmt(pack_bytes / 2**20, 1)} MB of zips, not counted as pages)."]

    # (a0) check, timed
    checks = [n for n in ("check", "check-before")[: 2 if before else 1] if times(w, n, a.runs)]
    if checks:
        out += ["", "### `xinyu check`", "",
                "| run as | median wall s | median CPU s | peak RSS MB | runs: wall s each |",
                "|---|---:|---:|---:|---|"]
        for name in checks:
            st = summary(times(w, name, a.runs))
            out.append(f"| {name} | {fmt(st['wall'])} | {fmt(st['cpu'])} | {fmt(st['rss'], 1)} | "
                       f"{st['runs']}: {', '.join(fmt(x) for x in st['walls'])} |")

    # (a) pack
    rows = times(w, "pack", a.runs)
    zips, zbytes = tree(w / "out-pack", ".zip")
    out += ["", "### `xinyu pack --term 2026-autumn --slot 1`", ""]
    if not before:
        out += ["| median wall s | median CPU s | peak RSS MB | zips | zip MB |", "|---:|---:|---:|---:|---:|",
                f"| {fmt(statistics.median(r[0] for r in rows))} | {fmt(statistics.median(r[1] for r in rows))} | "
                f"{fmt(max(r[2] for r in rows) / 1024, 1)} | {zips} | {fmt(zbytes / 2**20, 2)} |"]
    else:
        out += ["| run as | median wall s | median CPU s | peak RSS MB | zips | zip MB | runs: wall s each |",
                "|---|---:|---:|---:|---:|---:|---|"]
        for name in ("pack", "pack-before"):
            rows = times(w, name, a.runs)
            if not rows:
                out.append(f"| {name} | no run finished | | | | | 0 |")
                continue
            st = summary(rows)
            zips, zbytes = tree(w / f"out-{name}", ".zip")
            out.append(f"| {name} | {fmt(st['wall'])} | {fmt(st['cpu'])} | {fmt(st['rss'], 1)} | {zips} | "
                       f"{fmt(zbytes / 2**20, 2)} | {st['runs']}: {', '.join(fmt(x) for x in st['walls'])} |")

    # (a') print, with a fake browser
    prints = [n for n in ("print", "print-before")[: 2 if before else 1] if times(w, n, a.runs)]
    if prints:
        out += ["", "### `xinyu print --term 2026-autumn --slot 1` (fake browser)", "",
                "`--browser` is a shell script that only writes a 14-byte file to its `--print-to-pdf=` path, "
                "so these figures are xinyu's own work (load, check, render what is printed), not the browser's. "
                "CPU and RSS include the script's runs, which are tiny.", "",
                "| run as | median wall s | median CPU s | peak RSS MB | PDFs | runs: wall s each |",
                "|---|---:|---:|---:|---:|---|"]
        for name in prints:
            st = summary(times(w, name, a.runs))
            pdfs, _ = tree(w / f"out-{name}", ".pdf")
            out.append(f"| {name} | {fmt(st['wall'])} | {fmt(st['cpu'])} | {fmt(st['rss'], 1)} | {pdfs} | "
                       f"{st['runs']}: {', '.join(fmt(x) for x in st['walls'])} |")

    # Before vs after: the same commands, same run, same load.
    if before:
        out += ["", "### Before vs after (xinyu / xinyu-before)", "",
                "Ratios are after / before of the medians (< 1: the new code is faster or smaller). "
                "*Paired wall ratios*: run r of one against run r of the other, taken back to back.", "",
                "| command | median wall s after / before | wall ratio | paired wall ratios | "
                "median CPU s after / before | CPU ratio | peak RSS MB after / before | RSS ratio |",
                "|---|---:|---:|---|---:|---:|---:|---:|"]
        for label, after_name, before_name in (("build", "xinyu", "xinyu-before"),
                                               ("check", "check", "check-before"),
                                               ("pack --slot 1", "pack", "pack-before"),
                                               ("print --slot 1", "print", "print-before")):
            ra, rb = times(w, after_name, a.runs), times(w, before_name, a.runs)
            if not ra or not rb:
                out.append(f"| {label} | n/a | | | | | | |")
                continue
            sa, sb = summary(ra), summary(rb)
            paired = ", ".join(fmt(x / y) for x, y in paired_walls(w, after_name, before_name, a.runs))
            out.append(f"| {label} | {fmt(sa['wall'])} / {fmt(sb['wall'])} | {fmt(sa['wall'] / sb['wall'])} | {paired} | "
                       f"{fmt(sa['cpu'])} / {fmt(sb['cpu'])} | {fmt(sa['cpu'] / sb['cpu'])} | "
                       f"{fmt(sa['rss'], 1)} / {fmt(sb['rss'], 1)} | {fmt(sa['rss'] / sb['rss'])} |")

    # (b) search index
    site = w / "out-xinyu"
    idx = (site / "search-index.js").stat().st_size
    shards = sorted((site / "search").glob("p-*.js"))
    blocks = sorted((site / "search").glob("x-*.js"))
    sh_bytes = [f.stat().st_size for f in shards]
    bl_bytes = sum(f.stat().st_size for f in blocks)
    _, html = tree(site, ".html")
    _, md = tree(c / "xinyu", ".md")
    total = idx + sum(sh_bytes) + bl_bytes
    out += ["", "### Search index", "",
            "`search-index.js` is loaded with the search page; a query loads only the postings shards of its terms "
            "(`search/p-N.js`) and the 4-doc text blocks of the results it shows (`search/x-K.js`).", "",
            "| search-index.js MB | shards | median shard MB | text blocks MB | all search files MB | site HTML MB | all / HTML | source Markdown MB |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {fmt(idx / 2**20)} | {len(shards)} | {fmt(statistics.median(sh_bytes) / 2**20, 3) if sh_bytes else 'n/a'} | "
            f"{fmt(bl_bytes / 2**20)} | {fmt(total / 2**20)} | {fmt(html / 2**20)} | {fmt(total / html)} | {fmt(md / 2**20)} |"]
    for tool, (e, cpu, rss, pages) in killed.items():
        out += ["", f"{tool}'s build was stopped by hand after {e} s (it had written {pages} pages "
                f"and was still going), to leave time for the other measurements."]
    mdb = w / "out-mdbook"
    mdb_idx = sum((mdb / f).stat().st_size for f in ("searchindex.js", "searchindex.json") if (mdb / f).exists())
    if mdb_idx:
        out.append(f"\nFor comparison, mdBook's searchindex: {fmt(mdb_idx / 2**20)} MB.")

    # (c) reload
    rj = w / "reload.json"
    if rj.exists() and rj.read_text().strip():
        r = json.loads(rj.read_text())
        out += ["", "### `xinyu serve`: edit to reload", "",
                f"Edit `{r['lesson']}` (a marker line appended), poll its page every 5 ms until the marker is served.", "",
                "| edits | median ms | max ms | rebuilds logged | rebuilds in idle s with no edits |", "|---:|---:|---:|---:|---:|",
                f"| {len(r['runs_ms'])} | {fmt(r['median_ms'], 0)} | {fmt(r['max_ms'], 0)} | {r['rebuilds_logged']} | "
                f"{r['idle_rebuilds']} in {fmt(r['idle_s'], 0)} |",
                "", f"Every edit, ms: {', '.join(fmt(v, 0) for v in r['runs_ms'])}"]

    # (d) search
    sj = w / "search.jsonl"
    if sj.exists() and sj.read_text().strip():
        by_q = collections.OrderedDict()
        for line in sj.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            if d["page"] == "search":
                by_q.setdefault(d["q"], []).append((d["ms"], d.get("ready", ""), d["rendered"], d.get("full", "")))
        out += ["", "### Search: time to first result (headless Chromium, file://)", "",
                "`search.html?q=…` opened 3 times per query. *Ready*: performance.now() when search.js has the index "
                "(page opened, `search-index.js` loaded and parsed). *First result*: from the query to rendered results, "
                "loading the shards (and text blocks) it needs (`data-ms` on the results list); *with snippets*: "
                "until the first results also show their snippets (`data-full-ms`).",
                "", "| query | results shown | ready ms (median) | first result ms (median) | with snippets ms (median) |",
                "|---|---:|---:|---:|---:|"]
        for q, rows in by_q.items():
            ms = [float(r[0]) for r in rows if r[0]]
            ready = [float(r[1]) for r in rows if r[1]]
            full = [float(r[3]) for r in rows if r[3]]
            out.append(f"| {q} | {rows[0][2]} | {fmt(statistics.median(ready), 1) if ready else 'n/a'} | "
                       f"{fmt(statistics.median(ms), 1) if ms else 'n/a'} | "
                       f"{fmt(statistics.median(full), 1) if full else 'n/a'} |")

    # Diagnostics.
    kinds = collections.Counter()
    cj = w / "check.jsonl"
    for line in cj.read_text(encoding="utf-8").splitlines() if cj.exists() else []:
        if line.startswith("{"):
            d = json.loads(line)
            msg = re.sub(r"[0-9]+", "N", d.get("message", ""))
            msg = re.sub(r"校历 \S+ ", "校历 X ", msg)
            kinds[(d.get("severity", "?"), msg)] += 1
    out += ["", "### `xinyu check` on the corpus", ""]
    if kinds:
        out += ["| severity | message (numbers as N) | count |", "|---|---|---:|"]
        out += [f"| {s} | {m} | {k} |" for (s, m), k in sorted(kinds.items())]
    else:
        out.append("No diagnostics.")
    blog = w / "xinyu-build.log"
    if blog.exists():
        tail = [l for l in blog.read_text(encoding="utf-8", errors="replace").splitlines() if l.strip()][-2:]
        out += ["", "Last lines of the xinyu build output: " + " / ".join(f"`{l.strip()}`" for l in tail)]
    print("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
