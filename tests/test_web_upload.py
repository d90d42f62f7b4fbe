"""Uploads: accepted types only, a size limit, names never used as paths, a reason for every refusal."""

import zipfile

from tests.conftest import DATA
from web.upload import stage_uploads

PLAIN = DATA / "07REYKJAVIK42-plain.txt"


def staged_names(staged):
    return sorted(path.split("/")[-1] for path in staged.shown)


def test_cable_files_are_copied_under_names_of_our_own(tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    odd = uploads / "..;rm -rf ~;<b>cable<b>.TXT"
    odd.write_bytes(PLAIN.read_bytes())
    folder = tmp_path / "staged"
    folder.mkdir()
    staged = stage_uploads([odd], folder, 10_000_000)
    assert staged.refused == [] and [p.name for p in staged.files] == ["upload-001.txt"]
    assert staged.files[0].read_bytes() == PLAIN.read_bytes()
    assert list(staged.shown.values()) == ["..;rm -rf ~;<b>cable<b>.TXT"]
    assert staged.rename(f"{staged.files[0]}: not UTF-8") == "..;rm -rf ~;<b>cable<b>.TXT: not UTF-8"


def test_wrong_type_empty_and_too_big_uploads_are_refused_with_a_reason(tmp_path):
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "big.html").write_bytes(b"x" * 2_000)
    (tmp_path / "not-a-zip.zip").write_bytes(b"PK but not really")
    folder = tmp_path / "staged"
    folder.mkdir()
    staged = stage_uploads([tmp_path / n for n in ("report.pdf", "empty.txt", "big.html", "not-a-zip.zip")], folder, 1_000)
    assert staged.files == [] and list(folder.iterdir()) == []
    reasons = "\n".join(staged.refused)
    assert "report.pdf: not a file type the page takes; upload .txt, .html, .htm, .csv or a .zip of them" in reasons
    assert "empty.txt: the file is empty" in reasons
    assert "big.html: 0.0 MB is over the upload limit of 0.001 MB (CABLEQA_UPLOAD_MAX_MB)" in reasons
    assert "not-a-zip.zip: not a readable .zip archive" in reasons


def test_a_zip_is_unpacked_under_our_names_whatever_its_members_are_called(tmp_path):
    archive = tmp_path / "folder.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(PLAIN, "../../etc/cron.d/07REYKJAVIK42.txt")
        zf.write(DATA / "09VALLETTA123-page.html", "/abs/page.HTML")
        zf.writestr("notes/README.md", "not a cable")
        zf.writestr("__MACOSX/._page.html", "resource fork")
        zf.writestr("sub/", "")
    folder = tmp_path / "staged"
    folder.mkdir()
    staged = stage_uploads([archive], folder, 10_000_000)
    assert staged.refused == [] and staged.ignored == 1
    assert sorted(p.name for p in folder.iterdir()) == ["upload-001-00001.txt", "upload-001-00002.html"]
    assert sorted(staged.shown.values()) == ["folder.zip/../../etc/cron.d/07REYKJAVIK42.txt", "folder.zip/abs/page.HTML"]
    assert not (tmp_path / "etc").exists()


def test_a_zip_that_unpacks_past_the_limit_is_refused(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.txt", "0" * 5_000_000)
    assert archive.stat().st_size < 100_000
    folder = tmp_path / "staged"
    folder.mkdir()
    staged = stage_uploads([archive], folder, 1_000_000)
    assert staged.files == [] and list(folder.iterdir()) == []
    assert staged.refused == ["bomb.zip: unpacked, it is over the upload limit of 1 MB (CABLEQA_UPLOAD_MAX_MB)"]
