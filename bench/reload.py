#!/usr/bin/env python3
"""Edit-to-reload latency of `xinyu serve`.

    python3 bench/reload.py XINYU_BIN PROJECT [--lesson lessons/<band>/<file>.md] [--runs 10]

Starts `xinyu serve PROJECT --port 0` (it prints its URL as the first line of
stdout), waits until the lesson's page is served, then RUNS times: rewrites
the lesson with a unique marker line at the end of its body and polls the
lesson's HTML page (the site mirrors source paths: lessons/x/y.md ->
lessons/x/y.html) every ~5 ms until the marker is served. Prints one JSON
object: every latency in ms (write -> marker served), median and max.
The lesson file is restored and the server stopped at the end.
Standard library only.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None, ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("xinyu")
    ap.add_argument("project")
    ap.add_argument("--lesson", default=None, help="lesson path inside the project")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per edit")
    ap.add_argument("--idle", type=float, default=5.0, help="seconds to watch for rebuilds without edits")
    ap.add_argument("--pause", type=float, default=1.0, help="seconds between edits")
    a = ap.parse_args()
    project = Path(a.project)
    lesson = a.lesson or sorted(
        p.relative_to(project).as_posix() for p in (project / "lessons").rglob("*.md"))[0]
    src = project / lesson
    original = src.read_bytes()
    log = tempfile.NamedTemporaryFile(prefix="xinyu-serve-", suffix=".log", delete=False)
    proc = subprocess.Popen([a.xinyu, "serve", str(project), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=log, text=True)
    samples = []
    idle_rebuilds = None
    try:
        started = time.perf_counter()
        base = proc.stdout.readline().strip()
        if not base.startswith("http"):
            sys.exit(f"serve did not print a URL (got {base!r}); log: {log.name}")
        startup_s = time.perf_counter() - started
        page = base + lesson[:-3] + ".html"
        deadline = time.time() + a.timeout
        while get(page)[0] != 200:
            if time.time() > deadline:
                sys.exit(f"{page} never served; log: {log.name}")
            time.sleep(0.05)
        # With no edits at all, a watcher should stay quiet: count rebuilds.
        idle_before = Path(log.name).read_text(encoding="utf-8", errors="replace").count("已重新生成")
        time.sleep(a.idle)
        idle_rebuilds = Path(log.name).read_text(encoding="utf-8", errors="replace").count("已重新生成") - idle_before
        for i in range(a.runs):
            marker = f"xinyu-bench-reload-marker-{i:02d}-{'abcdefghijklmnop'[i % 16]}"
            data = original.rstrip(b"\n") + f"\n\n{marker}\n".encode()
            with open(src, "wb") as f:
                f.write(data)
            t0 = time.perf_counter()
            deadline = time.time() + a.timeout
            while True:
                status, body = get(page)
                if status == 200 and marker in body:
                    break
                if time.time() > deadline:
                    sys.exit(f"marker {marker} not served within {a.timeout}s; log: {log.name}")
                time.sleep(0.005)
            samples.append(round((time.perf_counter() - t0) * 1000, 1))
            time.sleep(a.pause)
    finally:
        src.write_bytes(original)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    rebuilds = Path(log.name).read_text(encoding="utf-8", errors="replace").count("已重新生成")
    print(json.dumps({
        "lesson": lesson,
        "startup_s": round(startup_s, 2),
        "runs_ms": samples,
        "median_ms": statistics.median(samples),
        "max_ms": max(samples),
        "rebuilds_logged": rebuilds,
        "idle_s": a.idle,
        "idle_rebuilds": idle_rebuilds,
        "serve_log": log.name,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
