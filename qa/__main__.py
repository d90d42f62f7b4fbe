"""python -m qa "question" [filters] [--mode ...] [--json]: answer a question from the stored cables."""

from __future__ import annotations

import argparse
import json
import sys

from core.errors import CableQAError
from core.settings import Settings
from qa.answer import Answer, Delta, stream_with_model, to_json
from qa.backends import MODES, build_chat_model, build_retriever
from qa.filters import read_filters

EXAMPLE = 'example: python -m qa "Why did France set no benchmarks for Russia?" --entity PER:Galharague --from 2008-01-01'


def render_sources(result: Answer) -> str:
    hits = result.related if result.abstained else result.cited_hits
    heading = "Related paragraphs (not citations):" if result.abstained else "Cited paragraphs:"
    lines = [heading]
    for h in hits:
        p = h.stored.paragraph
        text = p.text if len(p.text) <= 400 else p.text[:400] + "…"
        lines.append(f"- {p.label} ({(h.stored.date or '')[:10]}, {h.stored.origin}, {h.stored.classification}): {text}")
    if result.dropped:
        lines.append(f"({len(result.dropped)} citation(s) to paragraphs the model was not given were removed: {', '.join(map(str, result.dropped))})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m qa", description=__doc__, epilog=EXAMPLE)
    parser.add_argument("question")
    parser.add_argument("--entity", action="append", default=[], help="TYPE:name, e.g. PER:Galharague (repeatable; all must be named)")
    parser.add_argument("--cable", action="append", default=[], help="a reference id, e.g. 08PARIS1616 (repeatable)")
    parser.add_argument("--origin", action="append", default=[], help="part of the origin post, e.g. paris")
    parser.add_argument("--from", dest="date_from", help="earliest date, yyyy-mm-dd")
    parser.add_argument("--to", dest="date_to", help="latest date, yyyy-mm-dd")
    parser.add_argument("--classification", action="append", default=[], help="e.g. confidential")
    parser.add_argument("--tag", action="append", default=[], help="a TAGS value, e.g. PREL")
    parser.add_argument("--mode", choices=MODES, default=settings.mode)
    parser.add_argument("--k", type=int, default=5, help="paragraphs to retrieve")
    parser.add_argument("--json", action="store_true", help="print the whole answer as JSON")
    args = parser.parse_args(argv)
    try:
        filters = read_filters(args.entity, args.cable, args.origin, args.date_from, args.date_to, args.classification, args.tag)
    except ValueError as exc:
        parser.error(str(exc))
    try:
        retriever = build_retriever(settings)
        result = None
        events = stream_with_model(args.question, (), filters, retriever=retriever, model_for=lambda mode: build_chat_model(settings, mode),
                                   mode=args.mode, k=args.k)
        for event in events:
            if isinstance(event, Delta) and not args.json:
                print(event.text, end="", flush=True)
            elif isinstance(event, Answer):
                result = event
    except CableQAError as exc:
        raise SystemExit(f"error: {exc}") from exc
    if args.json:
        print(json.dumps(to_json(result), indent=2, ensure_ascii=False))
        return 0
    print("\n")
    if result.rewritten != result.question:
        print(f"(searched for: {result.rewritten})")
    print(render_sources(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
