"""The large keyword index the scale benchmark builds from the stored one."""

from core.keyword import KeywordIndex
from qa.bench_scale import build
from tests.test_keyword import PARIS, ROME, counted_from_rows, kept_counts


def test_the_copies_hold_every_paragraph_name_and_tag_again_under_new_cable_ids(tmp_path):
    KeywordIndex(tmp_path / "small.sqlite3").replace([PARIS, ROME])
    large = build(tmp_path / "small.sqlite3", tmp_path / "large.sqlite3", copies=3)
    assert large.count() == 9 and large.cable_count() == 6
    assert "08PARIS1616-2:1" in [rid for rid, _ in large.search(["georgia"])]
    assert kept_counts(large) == counted_from_rows(large)
    assert large.key_frequencies(["OSCE"]) == {"OSCE": 6}
    assert large.distinct_values("tag") == ["PREL"]


def test_the_widest_filters_are_found_and_timed(tmp_path, capsys):
    from qa.bench_scale import main, widest_filters

    KeywordIndex(tmp_path / "small.sqlite3").replace([PARIS, ROME])
    build(tmp_path / "small.sqlite3", tmp_path / "large" / "keyword.sqlite3", copies=3)
    large = KeywordIndex(tmp_path / "large" / "keyword.sqlite3")
    widest = widest_filters(large)
    assert list(widest) == ["TAG PREL", "classification CONFIDENTIAL", "year 2008"]  # no place is named
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "Q1", "kind": "answerable", "question": "What did Galharague say of Georgia?"}\n')
    main([str(tmp_path / "large"), str(questions)])
    out = capsys.readouterr().out
    assert "TAG PREL: listing up to 1001 paragraphs" in out and "year 2008:" in out
