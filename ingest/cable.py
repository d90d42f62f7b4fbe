"""Turning a `CableSource` into a `Cable`: header fields, the reference id, and clean numbered paragraphs."""

from __future__ import annotations

import re
from datetime import date as Date

from core.errors import UnreadableCable
from core.models import Cable, Entity, EntityType, Paragraph
from ingest import header
from ingest.entities import clean_annotation
from ingest.paragraphs import ANCHOR, split_paragraphs
from ingest.readers import ENTITY_CLOSE, ENTITY_OPEN, ENTITY_SEP, CableSource
from ingest.text import detokenize, drop_page_furniture, unwrap

_SENTINEL_ENTITY = re.compile(f"{ENTITY_OPEN}(PER|ORG|LOC|MISC){ENTITY_SEP}(.*?){ENTITY_CLOSE}", re.S)
_MARKING = re.compile(r"^\(\s*([A-Z]{1,4}(?:\s*/\s*[A-Z]{1,4})?)\s*\)\s*")
_CLASS_LINE = re.compile(
    r"(UNCLASSIFIED|UNCLAS|CONFIDENTIAL|SECRET|C O N F I D E N T I A L|S E C R E T|U N C L A S S I F I E D|UNCLAS\w*)"
    r"(?:\s*//?\s*[A-Z ]+?)?(?:\s+SECTION\s+\d+\s+OF\s+\d+)?\s+([A-Z][A-Z .'-]*?[A-Z])\s+0*(\d{1,6})\b"
)
_HANDLING = ("NOFORN", "NODIS", "EXDIS", "LIMDIS", "SIPDIS", "ORCON", "SENSITIVE", "FOR OFFICIAL USE ONLY")
_HEADER_BLOCK = re.compile(
    r"^\s*(?:UNCLAS|CONFIDENTIAL|SECRET|C O N F|S E C R|U N C L|SIPDIS|NOFORN|E\.?\s?O\.?|DECL|TAGS|SUBJ|REF|"
    r"CLASSIFIED BY|DERIVED FROM|REASON|PASS|DEPT|FOR |SENSITIVE|STATE FOR|E X D I S|N O D I S|SECTION|"
    r"\(U\)|ALSO FOR|USEU|USNATO|NSC|DOE|CORRECTED COPY|SUBJECT)",
    re.I,
)


def _plain(text: str) -> str:
    """Text with annotation sentinels reduced to their words."""
    return _SENTINEL_ENTITY.sub(lambda m: m.group(2), text).replace(ANCHOR, "")


def _year_of(date: str | None) -> int | None:
    return int(date[:4]) if date else None


def _classification(source: CableSource, preamble: str) -> tuple[str, tuple[str, ...]]:
    head = preamble[:3000].upper()
    handling = tuple(word for word in _HANDLING if re.search(rf"\b{word}\b", head))
    if source.classification:
        return source.classification.upper(), handling
    m = _CLASS_LINE.search(head)
    if not m:
        return "UNKNOWN", handling
    level = m.group(1).replace(" ", "")
    level = "UNCLASSIFIED" if level.startswith("UNCLAS") else level
    return (f"{level}//NOFORN" if "NOFORN" in handling else level), handling


def _post_and_serial(preamble: str) -> tuple[str, str] | None:
    m = _CLASS_LINE.search(preamble[:3000].upper())
    return (m.group(2), m.group(3)) if m else None


def _opening_paragraph(preamble: str) -> str:
    """Text between the header fields and ¶1 that is prose: an unnumbered opening paragraph."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", preamble) if b.strip()]
    last_header = max((i for i, b in enumerate(blocks) if _HEADER_BLOCK.match(b)), default=-1)
    rest = "\n\n".join(blocks[last_header + 1 :])
    return rest if len(rest) >= 80 and re.search(r"[a-zA-Z]{3}[.!?]", rest) else ""


def _clean_paragraph(text: str, annotated: bool, post_serial: tuple[str, str] | None) -> tuple[str, list[Entity]]:
    entities: list[Entity] = []

    def keep(m: re.Match) -> str:
        entity = clean_annotation(m.group(1), detokenize(m.group(2)))
        if entity:
            entities.append(entity)
        return m.group(2)

    if post_serial:
        # The annotator tagged the post in page headers too ("[LOC PARIS  ] 00001616 002 OF 002").
        text = re.sub(
            f"{ENTITY_OPEN}\\w+{ENTITY_SEP}([^{ENTITY_CLOSE}]*){ENTITY_CLOSE}(?=\\s+0*{post_serial[1]}\\s+\\d{{1,3}}(?:\\.\\d+)?\\s+OF\\s+\\d)",
            r"\1",
            text,
        )
    text = _SENTINEL_ENTITY.sub(keep, text).replace(ANCHOR, "")
    if post_serial:
        text = drop_page_furniture(text, *post_serial)
    text = re.sub(r"(?m)^\s*SIPDIS\s*$", "", text)
    if annotated:
        text = detokenize(text)
    return unwrap(text), entities


# A copy holds at least this share of its words in the cable's other paragraphs; a typo of the
# page's retyping ("contribuQions") leaves it above.
_COPY_SHARE = 0.95
_OPENING = 6  # words: the retyped ¶4 of 09BRUSSELS1580 differs at its 8th ("contribuQions")
_WORDS = re.compile(r"\w+")


def _repeated_copies(paragraphs: list[tuple[int, str]]) -> set[int]:
    """Indexes of paragraphs that repeat text the cable holds elsewhere under the same number.

    Cablegate pages repeat a page's paragraphs after a section break: 09BRUSSELS1580 prints ¶4-¶7
    twice, the first ¶7 cut at the page's end; 09CAPETOWN204 prints ¶1 again with ¶2-¶4 run into
    it. Longest first, a copy whose words the remaining paragraphs hold goes: the whole ¶7 stays
    and its cut copy goes; the run-together ¶1 goes and the clean ¶1 stays.
    """
    openings = [tuple(_WORDS.findall(text.lower())[:_OPENING]) for _, text in paragraphs]
    words = [set(_WORDS.findall(text.lower())) for _, text in paragraphs]
    # A copy opens as another paragraph of its number does; two different paragraphs that a cable
    # numbered alike ("¶3. Comment: ..." and "¶3. The minister said ...") do not.
    repeated = [i for i, (number, _) in enumerate(paragraphs)
                if any(j != i and n == number and openings[j] == openings[i] for j, (n, _) in enumerate(paragraphs))]
    dropped: set[int] = set()
    for i in sorted(repeated, key=lambda i: (-len(paragraphs[i][1]), i)):
        others = set().union(*(words[j] for j in range(len(paragraphs)) if j != i and j not in dropped))
        if words[i] and len(words[i] & others) >= _COPY_SHARE * len(words[i]):
            dropped.add(i)
    return dropped


# Most cables end with the signer's surname after the last sentence: "...soon. End comment.\n\nTAUBMAN",
# "...for all. PARDEW PARDEW", "...END COMMENT DELL", ".../p/eur/ankara/ WILSON", or in mixed case
# ("...in Brazil. Sobel", "McMullen"). It is the cable's, not its last paragraph's.
_SIGNATURE = re.compile(
    r"(?:(?<=[.!?\"”’')\]/*])|(?<=(?i:\bend comment))|(?<=(?i:\bend text)))\s+([A-Z][A-Z'’-]+(?: [A-Z][A-Z'’-]+)?)\s*\.?\s*$"
    r"|(?<=[.!?\"”’')\]/*])\s+([A-Z][a-z]+(?:[A-Z][a-z]+|-[A-Z][a-z]+)?)\s*\.?\s*$"
)
# Capitals that end a cable but sign nothing: markers, teletype endings, classification and handling.
_NOT_A_SIGNATURE = {"END", "ENDS", "ENDTEXT", "COMMENT", "SUMMARY", "NOTE", "TEXT", "QUOTE", "UNQUOTE", "BEGIN",
                    "BT", "NNNN", "FYI", "SECSTATE", "AMEMBASSY", "DECL", "SIGNED", "UNCLASSIFIED", "UNCLAS",
                    "CONFIDENTIAL", "SECRET", "USE", "ONLY", *(w for h in _HANDLING for w in h.split())}


def _signer(name: str | None) -> str:
    """The signer the name at a cable's end stands for, in capitals ("PARDEW PARDEW" is one signer), or ""
    for markers, classification words and redactions."""
    if not name or any(w.upper() in _NOT_A_SIGNATURE or set(w.upper()) == {"X"} for w in name.split()):
        return ""
    return " ".join(dict.fromkeys(name.upper().split()))


def _split_signature(text: str) -> tuple[str, str]:
    """(text, signer) for a cable's last paragraph; signer is "" when it ends with none."""
    m = _SIGNATURE.search(text)
    signer = _signer(m and (m.group(1) or m.group(2)))
    return (text[: m.start()].rstrip(), signer) if signer else (text, "")


# Posts end cables with a pointer to their intranet site, after the last sentence and before the signer:
# "Visit Embassy Cairo's Classified Website: http://www.state.sgov.gov/p/nea/cairo", "For more reporting
# from Embassy Kuwait, visit: ...", "Please visit Paris' Classified Website at: ... PEKALA". The pointer
# has the site's address after it (a sentence about a briefing "available on Embassy Rome's Classified
# web site" has none).
_WEBSITE = re.compile(r"(?:For more reporting from\b|\bvisit\b[^\n.]{0,60}?\bclassified\s+web\s?site\b)"
                      r"(?=.*?(?:https?:|www\.|sgov\.gov|intelink))", re.IGNORECASE | re.DOTALL)
# The signer after the site's address: "... /p/wha/ottawa\n\nCELLUCCI", "... index. cfm Tuttle", or a word
# alone on the last line, after a blank one ("... /p/nea/kuwait/\n\njones").
_SIGNER_AFTER = re.compile(r"\s([A-Z][A-Z'’-]+(?: [A-Z][A-Z'’-]+)?|[A-Z][a-z]+(?:[A-Z][a-z]+|-[A-Z][a-z]+)?)"
                           r"\s*\.?\s*$|\n\s*\n\s*([a-z]+)\s*$")


def _is_address(word: str) -> bool:
    return any(c in word for c in "/.:_?=")  # "...Portal:Unit ed_Kingdom"


def _split_signature_after_website(text: str) -> tuple[str, str]:
    """(text, signer) for a last paragraph that ends with the post's website pointer and a signer right
    after its address; the text is unchanged, and the signer "", otherwise.

    The pointer itself stays: it is the cable's text, and it names the post.
    """
    m = _WEBSITE.search(text)
    after = _SIGNER_AFTER.search(text, m.end()) if m else None
    name = (after.group(1) or after.group(2)) if after else ""
    # Right after the address, or after one piece of it that a line break cut off ("Portal:Fran ce",
    # "index. cfm"), and rows of asterisks: not after a sentence ("... will travel to Paris.").
    words = [w for w in text[: after.start()].split() if set(w) != {"*"}] if after else []
    next_to_address = bool(words) and (_is_address(words[-1]) or (
        len(words) > 1 and len(words[-1]) <= 4 and words[-1].isalpha() and _is_address(words[-2])))
    signer = _signer(name) if next_to_address and name.lower() not in {"website", "site"} else ""
    return (text[: after.start()].rstrip(), signer) if signer else (text, "")


def build_cable(source: CableSource) -> Cable:
    """Parse a cable's header fields and split it into clean numbered paragraphs."""
    preamble, raw_paragraphs = split_paragraphs(source.text)
    plain_preamble = _plain(preamble)
    if source.annotated:
        plain_preamble = detokenize(plain_preamble)
    notes = list(source.notes)
    declassify_on = header.parse_nondisclosure_deadline(plain_preamble)
    date = source.date
    if not date and declassify_on:
        # E.O. 12958's default is declassification ten years after the cable's date.
        decl = Date.fromisoformat(declassify_on)
        try:
            date = decl.replace(year=decl.year - 10).isoformat()
        except ValueError:  # 29 February
            date = decl.replace(year=decl.year - 10, day=28).isoformat()
        notes.append(f"date inferred as {date}: ten years before the declassification date {declassify_on}")
    post_serial = _post_and_serial(plain_preamble) or _post_and_serial(_plain(source.text))
    if source.reference_id:
        reference_id = header.canonicalize_id(source.reference_id)
    elif post_serial and date:
        reference_id = header.make_reference_id(int(date[:4]), *post_serial)
    else:
        raise UnreadableCable(
            f"{source.source}: cannot tell the cable's reference id (no classification line like "
            "'CONFIDENTIAL PARIS 001616' with a date, and no id in the file's metadata)"
        )
    if not post_serial:
        m = re.match(r"\d{2}([A-Z]+?)(\d+)$", reference_id)
        post_serial = (m.group(1), m.group(2)) if m else None
    classification, handling = _classification(source, plain_preamble)

    cleaned: list[tuple[int, str, list[Entity]]] = []

    def add(number: int, raw: str) -> None:
        text, entities = _clean_paragraph(raw, source.annotated, post_serial)
        if text.strip():
            cleaned.append((number, text, entities))

    opening = _opening_paragraph(preamble) if raw_paragraphs else ""
    if opening:
        add(0, opening)
    for raw in raw_paragraphs:
        add(raw.number, raw.text)
    if not raw_paragraphs:
        body = _opening_paragraph(preamble) or preamble
        add(0, body)
        notes.append("no numbered paragraphs: the body is stored as one paragraph, ¶0")
    signature = ""
    if cleaned:
        number, text, entities = cleaned[-1]
        text, signature = _split_signature(text)
        if not signature:
            text, signature = _split_signature_after_website(text)
        # A person tagged only in the signature is not named in the paragraph.
        only_signed = signature and signature.lower() not in text.lower()
        named = [e for e in entities if not (only_signed and e.type is EntityType.PER and e.name.upper() == signature)]
        cleaned[-1] = (number, text, named)
    repeats = _repeated_copies([(number, text) for number, text, _ in cleaned])
    if repeats:
        labels = ", ".join(f"¶{cleaned[i][0]}" for i in sorted(repeats))
        notes.append(f"{labels}: the cable prints the same text twice under one number; one copy is kept")
    paragraphs: list[Paragraph] = []
    seen: dict[int, int] = {}
    for number, text, entities in (item for i, item in enumerate(cleaned) if i not in repeats):
        seen[number] = seen.get(number, 0) + 1
        paragraphs.append(Paragraph(reference_id, number, text, tuple(entities), occurrence=seen[number]))
    if not paragraphs:
        raise UnreadableCable(f"{source.source}: the cable {reference_id} has no text after its header")

    full_text = plain_preamble + "\n\n" + "\n\n".join(p.text for p in paragraphs)
    origin = source.origin or (post_serial[0].title() if post_serial else "")
    return Cable(
        reference_id=reference_id,
        date=date,
        origin=origin,
        classification=classification,
        handling=handling,
        tags=tuple(header.parse_tags(plain_preamble)),
        subject=header.parse_subject(plain_preamble),
        references=tuple(header.parse_references(plain_preamble, _year_of(date), reference_id)),
        summary=header.parse_summary(full_text),
        declassify_on=declassify_on,
        paragraphs=tuple(paragraphs),
        source=source.source,
        notes=tuple(notes),
        signature=signature,
    )
