"""Ingest end to end with fake models: what is stored, what is skipped, and bad input that loses nothing."""

import shutil

from ingest.pipeline import ingest
from tests.conftest import DATA, SAMPLE


def run(paths, settings, embedder, recognizer, store=None):
    store = store or settings.open_store()
    report = ingest(paths, store=store, keyword=settings.open_keyword_index(), embedder=embedder, recognizer=recognizer, settings=settings)
    return report, store


def all_records(store):
    got = store.paragraphs.get(include=["documents", "metadatas"])
    return sorted(zip(got["ids"], got["documents"], [sorted(m.items()) for m in got["metadatas"]]))


def test_ingest_stores_every_paragraph_and_second_run_stores_nothing(store_settings, embedder, recognizer):
    paths = [DATA, SAMPLE]
    report, store = run(paths, store_settings, embedder, recognizer)
    assert report.stored == 5 and report.unchanged == 0
    assert not [f for f in report.failed if "cables-sample.csv:3" not in f]
    cables, records = store.count()
    assert cables == 5
    (four,) = store.get(["08PARIS1616:4"])
    assert "Roland Galharague" in {e.name for e in four.paragraph.entities}
    before = all_records(store)

    embedder.embedded.clear()
    again, store = run(paths, store_settings, embedder, recognizer, store)
    assert again.stored == 0 and again.unchanged == 5
    assert embedder.embedded == []  # nothing re-embedded
    assert all_records(store) == before
    paragraphs = len(store.paragraphs.get(where={"window": 1})["ids"])
    assert paragraphs == report.paragraphs
    keyword = store_settings.open_keyword_index()
    assert keyword.count() == paragraphs
    assert keyword.search(["Galharague"])[0][0].startswith("08PARIS1616:")
    assert keyword.rebuild(store) == paragraphs and keyword.count() == paragraphs


def test_long_paragraph_gets_further_windows_pointing_to_it(settings, embedder, recognizer, tmp_path):
    long_text = " ".join(f"word{i}" for i in range(200))
    page = (DATA / "09VALLETTA123-page.html").read_text().replace("Borg hopes for a deal with Libya by the summer.", long_text)
    (tmp_path / "long.html").write_text(page)
    report, store = run([tmp_path / "long.html"], settings, embedder, recognizer)
    got = store.paragraphs.get(where={"cable": "09VALLETTA123"}, include=["metadatas", "documents"])
    windows = {i: (m, d) for i, m, d in zip(got["ids"], got["metadatas"], got["documents"])}
    assert {"09VALLETTA123:3~2", "09VALLETTA123:3~2#2", "09VALLETTA123:3~2#3", "09VALLETTA123:3~2#4"} <= set(windows)
    assert windows["09VALLETTA123:3~2#2"][0]["number"] == 3
    assert long_text in windows["09VALLETTA123:3~2"][1]  # the first record holds the whole paragraph
    assert report.records > report.paragraphs


def test_changed_cable_replaces_all_its_old_paragraphs(settings, embedder, recognizer, tmp_path):
    page = (DATA / "09VALLETTA123-page.html").read_text()
    path = tmp_path / "c.html"
    path.write_text(page)
    _, store = run([path], settings, embedder, recognizer)
    assert store.get(["09VALLETTA123:5"])
    path.write_text(page.split("<a id='par5'")[0] + "</pre></code></body></html>")
    report, store = run([path], settings, embedder, recognizer, store)
    assert report.stored == 1
    assert not store.get(["09VALLETTA123:5"])
    got = store.paragraphs.get(where={"cable": "09VALLETTA123"})["ids"]
    assert sorted(got) == ["09VALLETTA123:1", "09VALLETTA123:2", "09VALLETTA123:3", "09VALLETTA123:3~2"]
    indexed = settings.open_keyword_index().db.execute("SELECT record_id FROM paragraph ORDER BY record_id").fetchall()
    assert [r[0] for r in indexed] == sorted(got)


def test_bad_input_gets_a_reason_and_the_rest_is_ingested(settings, embedder, recognizer, tmp_path):
    good = tmp_path / "in"
    good.mkdir()
    shutil.copy(DATA / "09VALLETTA123-page.html", good / "a.html")
    (good / "empty.txt").write_bytes(b"")
    (good / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (good / "utf16.txt").write_bytes((DATA / "07REYKJAVIK42-plain.txt").read_bytes().decode("latin-1").encode("utf-16"))
    (good / "nav.html").write_text("<html><body>Browse by origin</body></html>")
    (good / "README.md").write_text("not a cable")
    huge = good / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    shutil.copy(DATA / "09VALLETTA123-page.html", good / "z-duplicate.html")
    report, store = run([good, tmp_path / "missing"], settings, embedder, recognizer)

    failed = "\n".join(report.failed)
    assert "empty.txt: the file is empty" in failed
    assert "binary.txt: binary data" in failed
    assert "nav.html: an HTML page with no cable in it" in failed
    assert "huge.txt: 52 MB is too big" in failed
    assert "missing: no such file or folder" in failed
    assert len(report.failed) == 5
    notes = "\n".join(report.notes)
    assert "09VALLETTA123: also in" in notes and "z-duplicate.html" in notes and "a.html, is kept" in notes
    assert report.ignored == 1
    # The UTF-16 file (an unexpected encoding) is read, not lost.
    assert store.count()[0] == 2 and store.get(["07REYKJAVIK42:1"])


def test_what_was_stored_before_stays_when_a_later_batch_fails(settings, embedder, recognizer, tmp_path):
    _, store = run([SAMPLE], settings, embedder, recognizer)
    (tmp_path / "bad.txt").write_bytes(b"\x00\x00")
    report, store = run([tmp_path / "bad.txt"], settings, embedder, recognizer, store)
    assert report.failed and store.get(["08PARIS1616:4"])


def test_ingest_killed_midway_then_rerun_equals_a_clean_run(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from core.settings import Settings
    from tests.conftest import ROOT

    folder = tmp_path / "cables"
    folder.mkdir()
    page = (DATA / "09VALLETTA123-page.html").read_text()
    for n in range(1, 25):
        (folder / f"c{n:02d}.html").write_text(page.replace("09VALLETTA123", f"09VALLETTA{n}").replace("000123", f"{n:06d}"))

    def ingest_process(data_dir, marker):
        return subprocess.Popen([sys.executable, "-m", "tests.ingest_with_fakes", str(data_dir), str(marker), str(folder)],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    killed_dir, clean_dir = tmp_path / "killed", tmp_path / "clean"
    marker = tmp_path / "marker"
    victim = ingest_process(killed_dir, marker)
    deadline = time.time() + 120
    while not marker.exists() and victim.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    assert victim.returncode == -signal.SIGKILL, victim.stderr.read()

    for data_dir in (killed_dir, clean_dir):
        done = ingest_process(data_dir, tmp_path / f"unused-{data_dir.name}")
        out, err = done.communicate(timeout=300)
        assert done.returncode == 0, err
    stores = [Settings(data_dir=d).open_store() for d in (killed_dir, clean_dir)]
    assert all_records(stores[0]) == all_records(stores[1])
    assert stores[0].count() == stores[1].count() == (24, 24 * 5)
    assert [m["hash"] for m in stores[0].cables.get()["metadatas"]].count("pending") == 0
    indexes = [Settings(data_dir=d).open_keyword_index() for d in (killed_dir, clean_dir)]
    rows = [sorted(i.db.execute("SELECT record_id, cable, number FROM paragraph").fetchall()) for i in indexes]
    assert rows[0] == rows[1] and len(rows[0]) == 24 * 5
    assert [i.db.execute("SELECT COUNT(*) FROM paragraph_text").fetchone() for i in indexes] == [(120,), (120,)]


def test_progress_counts_every_cable_done(settings, embedder, recognizer, tmp_path):
    for name in ("09VALLETTA123-page.html",):
        shutil.copy(DATA / name, tmp_path / name)
    (tmp_path / "empty.txt").write_text("")
    shutil.copy(SAMPLE, tmp_path / "sample.txt")
    totals, done = [], []

    def once():
        return ingest([tmp_path], store=settings.open_store(), keyword=settings.open_keyword_index(), embedder=embedder,
                      recognizer=recognizer, settings=settings, on_start=totals.append, on_cable=lambda: done.append(1))

    first = once()
    assert totals == [3] and len(done) == 3  # two stored, one failed
    assert first.stored == 2 and len(first.failed) == 1
    totals.clear(), done.clear()
    again = once()
    assert totals == [3] and len(done) == 3 and again.unchanged == 2  # skipped ones count too
    totals.clear()
    ingest([DATA / "cables-sample.csv"], store=settings.open_store(), embedder=embedder, recognizer=recognizer, settings=settings,
           on_start=totals.append)
    assert totals == [None]  # rows of a .csv are not known before reading it


def test_the_report_counts_one_cable_as_one():
    from ingest.__main__ import count

    assert count(1, "cable") == "1 cable" and count(0, "cable") == "0 cables" and count(2, "unchanged cable") == "2 unchanged cables"
