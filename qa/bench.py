"""python -m qa.bench [QUESTIONS.jsonl] [--runs 5] [--local N]: answer latency on the stored corpus.

Reports medians over the runs of: retrieval p50/p95, quotes-mode answer p50/p95 and, for the first N
questions, the local model's time to first token, total time and prompt tokens.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from core.settings import Settings
from qa.answer import Answer, Delta, stream_answer
from qa.backends import build_chat_model, build_retriever
from qa.eval import _percentile, question_inputs

DEFAULT_QUESTIONS = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "dev_questions.jsonl"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m qa.bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", type=Path, nargs="?", default=DEFAULT_QUESTIONS)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--local", type=int, default=0, help="also time the local model on this many questions")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    retriever = build_retriever(settings)
    items = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    inputs = [(item["question"], *question_inputs(item)) for item in items]
    for question, history, filters in inputs[:3]:  # warm the caches and the model
        retriever.retrieve(question, filters)

    retrieval, quotes = [], []
    for run in range(args.runs):
        times = []
        for question, history, filters in inputs:
            start = time.perf_counter()
            retriever.retrieve(question, filters, prefer_cables=[c for t in history[-1:] for c in t.cables])
            times.append(time.perf_counter() - start)
        retrieval.append((_percentile(times, 0.5), _percentile(times, 0.95)))
        times = []
        for question, history, filters in inputs:
            start = time.perf_counter()
            for _ in stream_answer(question, history, filters, retriever=retriever):
                pass
            times.append(time.perf_counter() - start)
        quotes.append((_percentile(times, 0.5), _percentile(times, 0.95)))
        print(f"run {run + 1}: retrieval p50 {retrieval[-1][0] * 1000:.0f} ms p95 {retrieval[-1][1] * 1000:.0f} ms; "
              f"quotes answer p50 {quotes[-1][0] * 1000:.0f} ms p95 {quotes[-1][1] * 1000:.0f} ms", flush=True)
    print(f"medians of {args.runs} runs: retrieval p50 {statistics.median(r[0] for r in retrieval) * 1000:.0f} ms, "
          f"p95 {statistics.median(r[1] for r in retrieval) * 1000:.0f} ms; quotes answer p50 "
          f"{statistics.median(q[0] for q in quotes) * 1000:.0f} ms, p95 {statistics.median(q[1] for q in quotes) * 1000:.0f} ms")

    if args.local:
        model = build_chat_model(settings, "local")
        first, total, tokens = [], [], []
        for question, history, filters in [i for i in inputs if not i[1]][: args.local]:
            start = time.perf_counter()
            ttft = None
            result = None
            for event in stream_answer(question, history, filters, retriever=retriever, chat_model=model, mode="local"):
                if isinstance(event, Delta) and ttft is None:
                    ttft = time.perf_counter() - start
                if isinstance(event, Answer):
                    result = event
            elapsed = time.perf_counter() - start
            if "first_token" not in result.timings:
                # Retrieval found too little to ask the model: no model time to measure.
                print(f"local: not asked (the cables don't say, by retrieval), {elapsed:.2f} s", flush=True)
                continue
            total.append(elapsed)
            first.append(result.timings["first_token"])
            if result.prompt_tokens:
                tokens.append(result.prompt_tokens)
            print(f"local: first token {first[-1]:.1f} s, first checked sentence {ttft or float('nan'):.1f} s, "
                  f"total {total[-1]:.1f} s, prompt tokens {result.prompt_tokens}", flush=True)
        if not total:
            print("local model: no question reached the model")
            return
        print(f"local model over {len(total)} questions that reached it: time to first token median {statistics.median(first):.1f} s, "
              f"total median {statistics.median(total):.1f} s, prompt tokens median {statistics.median(tokens) if tokens else 'n/a'}")


if __name__ == "__main__":
    main()
