"""python -m ingest PATH...: store the cables in files, folders and cables.csv dumps."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from core.errors import CableQAError
from core.settings import Settings
from ingest.pipeline import IngestReport, ingest

EXAMPLE = "example: python -m ingest ../shared/corpus/raw ../shared/corpus/annotated cables.csv"


def count(number: int, noun: str) -> str:
    """"1 cable", "2 cables"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def render(report: IngestReport, totals: tuple[int, int]) -> str:
    entities = ", ".join(f"{kind} {report.entities[kind]}" for kind in ("PER", "ORG", "LOC", "MISC"))
    lines = [
        f"Stored {count(report.stored, 'cable')} ({count(report.paragraphs, 'paragraph')} in {count(report.records, 'record')}; "
        f"entities: {entities}).",
        f"Skipped {count(report.unchanged, 'unchanged cable')}.",
        f"Failed: {len(report.failed)}.",
    ]
    lines += [f"  - {reason}" for reason in report.failed]
    if report.notes:
        lines.append(f"Notes: {len(report.notes)}.")
        lines += [f"  - {note}" for note in report.notes]
    if report.ignored:
        lines.append(f"Ignored {count(report.ignored, 'file')} in the folders that are not .html, .htm, .txt or .csv.")
    lines.append(f"The store now holds {count(totals[0], 'cable')} in {count(totals[1], 'record')}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__, epilog=EXAMPLE)
    parser.add_argument("paths", nargs="*", type=Path, help="cable files (.html, .htm, .txt), folders of them, or a cables.csv")
    parser.add_argument("--reindex", action="store_true",
                        help="rebuild the keyword index from the store (after ingesting into a shared Chroma server elsewhere)")
    args = parser.parse_args(argv)
    if not args.paths and not args.reindex:
        parser.error("give at least one PATH, or --reindex")
    settings = Settings.from_env()
    if args.reindex:
        try:
            count = settings.open_keyword_index().rebuild(settings.open_store())
        except CableQAError as exc:
            raise SystemExit(f"error: {exc}") from exc
        print(f"Keyword index rebuilt: {count} paragraphs.")
        if not args.paths:
            return 0
    try:
        from ingest.entities import Recognizer

        store = settings.open_store()
        embedder = settings.embedder()
        recognizer = Recognizer()
        with tqdm(desc="cables", unit=" cable", file=sys.stderr) as bar:
            report = ingest(
                args.paths,
                store=store,
                keyword=settings.open_keyword_index(),
                embedder=embedder,
                recognizer=recognizer,
                settings=settings,
                on_cable=bar.update,
                on_start=lambda total: setattr(bar, "total", total) or bar.refresh(),
            )
    except CableQAError as exc:
        raise SystemExit(f"error: {exc}") from exc
    print(render(report, store.count()))
    return 0 if report.read or not report.failed else 1


if __name__ == "__main__":
    sys.exit(main())
