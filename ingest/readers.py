"""Reading cable files of every supported format into `CableSource`s: the text plus what the file says about it."""

from __future__ import annotations

import codecs
import csv
import html
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from core.errors import UnreadableCable
from ingest.paragraphs import ANCHOR

# Entity annotations survive paragraph splitting as ENTITY_OPEN type ENTITY_SEP name ENTITY_CLOSE.
ENTITY_OPEN, ENTITY_SEP, ENTITY_CLOSE = "\x02", "\x03", "\x04"

SUFFIXES = (".html", ".htm", ".txt", ".csv")


@dataclass(frozen=True)
class CableSource:
    """A cable's text as one reader found it (anchors and annotations as sentinels) and the metadata beside it."""

    text: str
    source: str
    reference_id: str | None = None
    date: str | None = None
    origin: str | None = None
    classification: str | None = None
    annotated: bool = False
    routing: str = ""  # the teletype routing header (FM/TO/INFO) where the file has one
    notes: tuple[str, ...] = ()  # what the reader had to guess, for the ingest summary


def decode(data: bytes, source: str) -> tuple[str, str | None]:
    """Decode a file's bytes; returns the text and a note when the encoding had to be guessed."""
    if not data.strip():
        raise UnreadableCable(f"{source}: the file is empty")
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding), f"read as {encoding.upper()} (byte-order mark)"
    if b"\x00" in data[:8192]:
        raise UnreadableCable(f"{source}: binary data, not cable text (NUL bytes); give a .html, .txt or .csv cable")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    # Plain-text Cablegate cables are Latin-1 with the paragraph mark as byte 0xB6.
    text = data.decode("cp1252", errors="replace") if _looks_cp1252(data) else data.decode("latin-1")
    return text, "not UTF-8: read as Latin-1"


def _looks_cp1252(data: bytes) -> bool:
    return any(b in data for b in (b"\x91", b"\x92", b"\x93", b"\x94", b"\x96", b"\x97"))


_PRE = re.compile(r"<code><pre>(.*?)</pre></code>", re.S)
_CABLE_TABLE = re.compile(r"<table class='cable'>(.*?)</table>", re.S)
_TD = re.compile(r"<td>(.*?)</td>", re.S)
_PAR_ANCHOR = re.compile(r"<a id='par\d+' href='#par\d+'>¶</a>\s*(\d+)")
_TAG = re.compile(r"<[^>]+>")
_ANNOTATION = re.compile(r"\[(PER|ORG|LOC|MISC) ([^\[\]]*?)\s*\]")


def _html_to_text(fragment: str) -> str:
    # Cablegate pages write line breaks as &#x000A;.
    fragment = fragment.replace("&#x000A;", "\n")
    fragment = _PAR_ANCHOR.sub(lambda m: f"\n{ANCHOR}{m.group(1)}", fragment)
    return html.unescape(_TAG.sub("", fragment))


def read_html_page(page: str, source: str) -> CableSource:
    """A Cablegate site page: the metadata table, the routing header and the cable body in `<pre>` blocks."""
    blocks = _PRE.findall(page)
    if not blocks:
        raise UnreadableCable(f"{source}: an HTML page with no cable in it (no <code><pre> block)")
    reference_id = date = origin = classification = None
    table = _CABLE_TABLE.search(page)
    if table:
        cells = [html.unescape(_TAG.sub("", cell)).strip() for cell in _TD.findall(table.group(1))]
        if len(cells) >= 5:
            reference_id, date, _released, classification, origin = cells[:5]
    routing = ""
    body_blocks = []
    for block in blocks:
        text = _html_to_text(block)
        if re.search(r"(?m)^FM ", text) and not body_blocks and ANCHOR not in text:
            routing = text
        elif not text.startswith("This record is a partial extract"):
            body_blocks.append(text)
    if not body_blocks:
        raise UnreadableCable(f"{source}: the page's <pre> blocks hold no cable body")
    return CableSource(
        text="\n\n".join(body_blocks),
        source=source,
        reference_id=reference_id or None,
        date=_iso_datetime(date) if date else None,
        origin=origin or None,
        classification=classification or None,
        routing=routing,
    )


def read_annotated(page: str, source: str) -> CableSource:
    """The annotated sample format: tokenized text, `[PER name  ]` brackets, `¶</a>N .` anchors."""
    text = _ANNOTATION.sub(lambda m: f"{ENTITY_OPEN}{m.group(1)}{ENTITY_SEP}{m.group(2)}{ENTITY_CLOSE}", page)
    blocks = _PRE.findall(text) or [text]
    return CableSource(text="\n\n".join(_html_to_text(block) for block in blocks), source=source, annotated=True)


_DTG_LINE = re.compile(r"(?m)^[A-Z]{1,2}\s+(\d{2})(\d{2})(\d{2})Z\s+([A-Z]{3})\s+(\d{2,4})\b")
_FM_LINE = re.compile(r"(?m)^FM\s+(.+?)\s*$")
_MONTHS = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), 1)}


def read_plain_cable(text: str, source: str) -> CableSource:
    """Plain cable text: a teletype routing header (`FM`, `TO`, `INFO`, a date-time group) before the body."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    routing, body = "", text
    fm = _FM_LINE.search(text)
    if fm:
        # The routing header runs to the last address line; the body opens with the classification line.
        opening = re.search(r"(?m)^(?:UNCLAS|UNCLASSIFIED|CONFIDENTIAL|SECRET|C O N F|S E C R|U N C L|LIMITED)", text[fm.end() :])
        if opening:
            routing, body = text[: fm.end() + opening.start()], text[fm.end() + opening.start() :]
    return CableSource(
        text=body,
        source=source,
        date=_dtg_date(routing),
        origin=_origin_from_routing(routing),
        routing=routing,
    )


def _dtg_date(routing: str) -> str | None:
    m = _DTG_LINE.search(routing)
    if not m or m.group(4) not in _MONTHS:
        return None
    day, hour, minute, month, year = m.group(1), m.group(2), m.group(3), _MONTHS[m.group(4)], m.group(5)
    year = int(year) if len(year) == 4 else (2000 + int(year) if int(year) < 70 else 1900 + int(year))
    return f"{year:04d}-{month:02d}-{int(day):02d}T{hour}:{minute}"


_POST_KINDS = {"AMEMBASSY": "Embassy", "AMCONSUL": "Consulate", "USMISSION": "Mission", "USOFFICE": "Office", "AIT": "AIT"}


def _origin_from_routing(routing: str) -> str | None:
    fm = _FM_LINE.search(routing)
    if not fm:
        return None
    words = re.sub(r"\s+(?:IMMEDIATE|PRIORITY|ROUTINE|FLASH)\b.*$", "", fm.group(1)).split()
    if not words:
        return None
    if words[0] == "SECSTATE":
        return "Secretary of State"
    kind = _POST_KINDS.get(words[0])
    place = " ".join(words[1:] if kind else words)
    place = " ".join(w if len(w) <= 3 and w.startswith("US") else w.capitalize() for w in place.split())
    return f"{kind} {place}".strip() if kind else place


def _iso_datetime(value: str) -> str | None:
    value = value.strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?", value)
    if m:
        y, mo, d, h, mi = m.groups()
        return f"{y}-{mo}-{d}" + (f"T{h}:{mi}" if h else "")
    m = re.match(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?", value)
    if m:
        mo, d, y, h, mi = m.groups()
        return f"{y}-{int(mo):02d}-{int(d):02d}" + (f"T{int(h):02d}:{mi}" if h else "")
    return None


def read_csv_rows(path: Path) -> Iterator[CableSource | UnreadableCable]:
    """Stream the Cablegate `cables.csv` dump, one row per cable, never holding the file in memory.

    Columns: id, date, reference id, origin, classification, references, header, content;
    header and content write line breaks as a literal backslash-n.
    """
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for row_number, row in enumerate(csv.reader(handle), start=1):
            where = f"{path}:{row_number}"
            if len(row) < 8:
                yield UnreadableCable(f"{where}: expected 8 columns (id, date, reference id, origin, classification, references, header, content), found {len(row)}")
                continue
            _id, date, reference_id, origin, classification, _refs, header, content = row[:8]
            content = content.replace("\\n", "\n")
            if not content.strip():
                yield UnreadableCable(f"{where}: the row's content column is empty")
                continue
            yield CableSource(
                text=content,
                source=where,
                reference_id=reference_id.strip() or None,
                date=_iso_datetime(date),
                origin=origin.strip() or None,
                classification=classification.strip() or None,
                routing=header.replace("\\n", "\n"),
            )


def read_cable_file(path: Path, data: bytes) -> CableSource:
    """Read one cable file (.html, .htm or .txt) whose bytes are `data`."""
    text, note = decode(data, str(path))
    if "[PER " in text or "[ORG " in text or "[LOC " in text or "[MISC " in text:
        source = read_annotated(text, str(path))
    elif path.suffix.lower() in (".html", ".htm") or "<pre>" in text[:200000]:
        source = read_html_page(text, str(path))
    else:
        source = read_plain_cable(text, str(path))
    return replace(source, notes=(note,)) if note else source
