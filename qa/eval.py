"""python -m qa.eval QUESTIONS.jsonl [--mode quotes|local|openai|ollama] [--k 5] [--out results.jsonl]

Runs a question file in the format of shared/eval/dev_questions.jsonl (history for follow-ups, the
entity filter for entity questions), writes one JSON record per question and prints, per kind:
hit@1, hit@k, MRR, citation precision, keyword match, abstention, false abstention, latency p50/p95.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from core.models import Entity, EntityType
from qa.answer import Answer, Turn, answer
from qa.filters import Filters

KINDS = ("answerable", "entity", "followup", "unanswerable")


def question_inputs(item: dict) -> tuple[list[Turn], Filters]:
    history = [Turn(h["question"], (h["cable"],)) for h in item.get("history", [])]
    entity = item.get("entity")
    filters = Filters(entities=(Entity(EntityType(entity["type"]), entity["name"]),)) if entity else Filters()
    return history, filters


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\[(?:PER|ORG|LOC|MISC) ([^\]]*?)\s*\]", r"\1", text)).lower()


def record(item: dict, result: Answer, latency: float) -> dict:
    retrieved = [f"{h.stored.paragraph.cable_id}:{h.stored.paragraph.number}" for h in result.hits]
    gold = {f"{item['cable']}:{n}" for n in item.get("paragraphs", [])} if item.get("cable") else set()
    keywords = item.get("keywords", [])
    text = _normal(result.text)
    return {
        "id": item["id"],
        "kind": item["kind"],
        "question": item["question"],
        "rewritten": result.rewritten,
        "retrieved": retrieved,
        "answer": result.text,
        "citations": [f"{c.cable_id}:{c.number}" for c in result.citations],
        "dropped_citations": [f"{c.cable_id}:{c.number}" for c in result.dropped],
        "abstained": result.abstained,
        "notice": result.notice,
        "prompt_tokens": result.prompt_tokens,
        "latency_s": round(latency, 4),
        "first_token_s": result.timings.get("first_token"),
        "gold": sorted(gold),
        "keyword_match": (sum(_normal(k) in text for k in keywords) / len(keywords)) if keywords else None,
    }


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else float("nan")


def summarize(records: list[dict], k: int) -> dict[str, dict]:
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_kind[r["kind"]].append(r)
    table = {}
    for kind in [*KINDS, "all"]:
        rows = records if kind == "all" else by_kind.get(kind, [])
        if not rows:
            continue
        answerable = [r for r in rows if r["gold"]]
        ranks = []
        for r in answerable:
            positions = [i for i, rid in enumerate(r["retrieved"][:k], start=1) if rid in r["gold"]]
            ranks.append(positions[0] if positions else None)
        cites = [c for r in answerable for c in r["citations"]]
        table[kind] = {
            "n": len(rows),
            "hit@1": _mean([rank == 1 for rank in ranks]),
            f"hit@{k}": _mean([rank is not None for rank in ranks]),
            "mrr": _mean([1 / rank if rank else 0.0 for rank in ranks]),
            "citation_precision": _mean([c in r["gold"] for r in answerable for c in r["citations"]]) if cites else None,
            "keyword_match": _mean([r["keyword_match"] for r in answerable if r["keyword_match"] is not None]),
            "abstained": _mean([r["abstained"] for r in rows if not r["gold"]]),
            "false_abstention": _mean([r["abstained"] for r in answerable]),
            "latency_p50": _percentile([r["latency_s"] for r in rows], 0.5),
            "latency_p95": _percentile([r["latency_s"] for r in rows], 0.95),
        }
    return table


def _mean(values) -> float | None:
    values = list(values)
    return statistics.fmean(values) if values else None


def render(table: dict[str, dict]) -> str:
    columns = list(next(iter(table.values())).keys())
    lines = ["kind          " + " ".join(f"{c:>18}" for c in columns)]
    for kind, row in table.items():
        cells = []
        for c in columns:
            v = row[c]
            cells.append(f"{'-':>18}" if v is None else f"{v:>18.3f}" if isinstance(v, float) else f"{v:>18}")
        lines.append(f"{kind:13} " + " ".join(cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from qa.backends import MODES, build_chat_model, build_retriever

    parser = argparse.ArgumentParser(prog="python -m qa.eval", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", type=Path)
    parser.add_argument("--mode", choices=MODES, default="quotes")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--no-filter", action="store_true",
                        help="ask the entity questions without their entity filter (does the question alone find it?)")
    parser.add_argument("--retrieval", choices=["hybrid", "dense", "keyword", "dense+keyword"], default="hybrid",
                        help="which rankings to use, to measure what each adds (default: all of them)")
    args = parser.parse_args(argv)

    from core.settings import Settings

    settings = Settings.from_env()
    rankings = {"hybrid": None, "dense": {"dense"}, "keyword": {"keyword"}, "dense+keyword": {"dense", "keyword"}}[args.retrieval]
    retriever = build_retriever(settings, rankings=frozenset(rankings) if rankings else None)
    chat_model = build_chat_model(settings, args.mode)
    items = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    records = []
    out = args.out.open("w") if args.out else None
    for item in items:
        history, filters = question_inputs(item)
        if args.no_filter:
            filters = Filters()
        started = time.perf_counter()
        result = answer(item["question"], history, filters, retriever=retriever, chat_model=chat_model, mode=args.mode, k=args.k)
        rec = record(item, result, time.perf_counter() - started)
        records.append(rec)
        if out:
            out.write(json.dumps(rec) + "\n")
            out.flush()
        print(f"{rec['id']} {rec['kind']:12} {'ABSTAIN' if rec['abstained'] else 'answer '} {rec['latency_s']:.2f}s "
              f"{rec['retrieved'][:3]} gold={rec['gold']}", file=sys.stderr)
    if out:
        out.close()
    print(render(summarize(records, args.k)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
