"""Run an ingest with the fake models in a separate process, so a test can kill it midway.

usage: python -m tests.ingest_with_fakes DATA_DIR MARKER PATH...
After its second embedding batch it touches MARKER and slows down, giving the test time to kill -9 it.
"""

import sys
import time
from pathlib import Path

from core.settings import Settings
from ingest.pipeline import ingest
from tests.fakes import HashEmbedder, NoNER


class SlowEmbedder(HashEmbedder):
    def __init__(self, marker: Path):
        super().__init__()
        self.marker = marker
        self.calls = 0

    def embed(self, texts):
        self.calls += 1
        if self.calls == 2:
            self.marker.touch()
        if self.calls >= 2:
            time.sleep(0.5)
        return super().embed(texts)


def main() -> None:
    data_dir, marker, *paths = sys.argv[1:]
    settings = Settings(data_dir=Path(data_dir), batch_cables=4)
    report = ingest([Path(p) for p in paths], store=settings.open_store(), keyword=settings.open_keyword_index(),
                    embedder=SlowEmbedder(Path(marker)), recognizer=NoNER(), settings=settings)
    print(report.stored, report.unchanged)


if __name__ == "__main__":
    main()
