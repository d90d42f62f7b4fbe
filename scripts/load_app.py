"""Load check for the web app: concurrent gradio_client sessions, each asking different questions with
different filters (quotes mode) through the stateful /chat endpoint; checks that nothing fails and that no
session sees another's conversation or filters; prints latency p50/p95.

usage: python scripts/load_app.py [--sessions 20] [--url http://127.0.0.1:7860]
Without --url it starts `python app.py` on a free port over a throw-away data folder holding the sample
and the cables in tests/data (ingested first with `python -m ingest`), and stops it at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (question, filters, what every returned paragraph must satisfy, the filter labels the answer must echo)
QUESTIONS = [
    ("Why did France set no benchmarks for Russia's withdrawal?", {"cables": ["08PARIS1616"]},
     lambda p: p["label"].startswith("08PARIS1616 "), ["cable 08PARIS1616"]),
    ("What did Borg say about the Frontex patrols?", {"origins": ["valletta"]},
     lambda p: p["label"].startswith("09VALLETTA123 "), ["origin valletta"]),
    ("What did Galharague say about Kosovo?", {"entities": ["PER:Galharague"]},
     lambda p: "PER:Roland Galharague" in p["entities"] or "Galharague" in p["text"], ["PER · Galharague"]),
    ("What did the tourism ministry report about visitors?", {"date_from": "2008-11-01", "date_to": "2008-11-30"},
     lambda p: "2008-11-01" <= (p["date"] or "")[:10] <= "2008-11-30", ["dates 2008-11-01 to 2008-11-30"]),
    ("What are the geothermal plans for Dominica?", {"classifications": ["unclassified"], "tags": ["ENRG"]},
     lambda p: p["classification"] == "UNCLASSIFIED", ["classification unclassified", "TAG ENRG"]),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(folder: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "CABLEQA_DATA": str(folder / "data"), "CABLEQA_MODE": "quotes", "HF_HUB_OFFLINE": "1"}
    for name in ("CABLEQA_CHROMA_URL", "GRADIO_SERVER_NAME"):
        env.pop(name, None)
    print("Ingesting the sample and tests/data ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "ingest", str(ROOT / "sample"), str(ROOT / "tests" / "data")],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    env["GRADIO_SERVER_PORT"] = str(port)
    app = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            urllib.request.urlopen(url + "/config", timeout=2)
            return app, url
        except OSError:
            if app.poll() is not None:
                raise SystemExit("the app stopped before it answered")
            time.sleep(0.5)
    app.terminate()
    raise SystemExit("the app did not answer in 120 s")


def run_session(number: int, url: str, ready: threading.Barrier) -> tuple[list[float], list[str]]:
    """Ask the five questions in an order of this session's own; (latencies, problems)."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    order = QUESTIONS[number % len(QUESTIONS):] + QUESTIONS[: number % len(QUESTIONS)]
    latencies, problems, asked = [], [], []
    ready.wait()
    for question, filters, holds, labels in order:
        started = time.perf_counter()
        try:
            result = client.predict(question, filters, "quotes", api_name="/chat")
        except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
            problems.append(f"session {number}: {question!r} failed: {type(exc).__name__}: {exc}")
            continue
        latencies.append(time.perf_counter() - started)
        asked.append(question)
        where = f"session {number}, turn {len(asked)}"
        if result["question"] != question:
            problems.append(f"{where}: got the answer to {result['question']!r}, asked {question!r}")
        if result["conversation"] != asked or result["turn"] != len(asked):
            problems.append(f"{where}: conversation {result['conversation']} is not this session's {asked}")
        if result["filters"] != labels:
            problems.append(f"{where}: filters {result['filters']}, sent {labels}")
        bad = [p["label"] for p in result["paragraphs"] if not holds(p)]
        if bad:
            problems.append(f"{where}: paragraphs outside the filters: {bad}")
        if not result["paragraphs"]:
            problems.append(f"{where}: no paragraph for {question!r}")
    return latencies, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog="example: python scripts/load_app.py --sessions 20")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--url", help="a running app (quotes mode works whatever its default); default: start one")
    args = parser.parse_args()
    folder, app = None, None
    url = args.url
    if not url:
        folder = Path(tempfile.mkdtemp(prefix="cableqa-load-"))
        app, url = start_app(folder)
    try:
        ready = threading.Barrier(args.sessions)
        started = time.perf_counter()
        with ThreadPoolExecutor(args.sessions) as pool:
            results = list(pool.map(lambda n: run_session(n, url, ready), range(args.sessions)))
        wall = time.perf_counter() - started
    finally:
        if app:
            app.terminate()
            app.wait(timeout=30)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
    latencies = sorted(t for got, _ in results for t in got)
    problems = [p for _, found in results for p in found]
    asked = args.sessions * len(QUESTIONS)
    print(f"{args.sessions} sessions x {len(QUESTIONS)} questions = {asked} requests, {len(latencies)} answered, in {wall:.1f} s")
    if latencies:
        p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
        print(f"latency per answer: p50 {statistics.median(latencies):.2f} s, p95 {p95:.2f} s, max {latencies[-1]:.2f} s")
    print(f"errors and cross-talk: {len(problems)}")
    for problem in problems[:20]:
        print("  - " + problem)
    return 1 if problems or len(latencies) != asked else 0


if __name__ == "__main__":
    sys.exit(main())
