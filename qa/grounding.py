"""Checking what the model wrote: which given paragraphs hold a claim, and how sure its refusal was."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence

from qa.citations import REFUSAL, REFUSAL_QUALIFIERS, REFUSAL_SUBJECTS, Citation
from qa.quotes import NAME_WORD, bare_word, coverage, holds_all, names_and_numbers, unasked
from qa.retrieve import is_common_word, query_terms

# A model's sentence keeps a citation only when the cited paragraph holds at least this share of the
# sentence's weighted words; a sentence whose citation is wrong or missing is cited to the one given
# paragraph that holds at least RECITE_MIN of them (and RECITE_MARGIN more than any other), else not shown.
# A sentence the model left uncited needs only SUPPORT_MIN there: it named no wrong paragraph, it just
# forgot the form (a third of the 1.5B model's sentences).
SUPPORT_MIN = 0.5
RECITE_MIN = 0.75
RECITE_MARGIN = 0.2
# A sentence less than this share of whose weighted words are new to the question only restates it
# ("The Italian acquaintance at whose Hamburg home Kovtun spent the night was an Italian national"):
# it answers nothing and is not shown. In the local model's answers to the dev and held-out questions,
# every sentence below 0.15 was such a restatement; the sentences that held the fact were at 0.27 and above.
ECHO_MAX = 0.15
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]*")
# A refusal the model gave less probability than this is not taken at its word: the model is asked to go
# on from its likeliest other start, and the answer stands if it holds up against the paragraphs.
FORCE_BELOW = 0.55
# Two or more capitalised words in a row: a name ("Hugo Chavez", "Super Tucanos").
_NAME_RUN = re.compile(rf"(?<![\w'’]){NAME_WORD}(?:[ \t]+{NAME_WORD})+")


def _missing_facts(facts: Sequence[str], claim: str, text: str, elsewhere: frozenset[str], question: str) -> list[str]:
    """The claim's names and numbers that the text (or `elsewhere`) does not hold.

    A rare first word of a two- or three-word name is not missing when the claim writes the name as the
    question does and the text holds its last word: a claim that calls "CHAVEZ" by the question's "Hugo
    Chavez" adds no name of its own. A common word (is_common_word) may be a qualifier that tells one
    place or office from another instead ("South Korea", "Saudi Arabia", "Brazil's President").
    """
    missing = [f for f in facts if not holds_all([f], text, elsewhere)]
    if not missing or not question:
        return missing
    asked = " ".join(question.lower().split())
    named_as_asked = set()
    for run in _NAME_RUN.findall(claim):
        words = [bare_word(w) for w in run.split()]
        if (len(words) <= 3 and re.search(rf"\b{re.escape(' '.join(words).lower())}\b", asked) and holds_all([words[-1]], text)
                and not is_common_word(words[0].lower())):
            named_as_asked.add(words[0])
    return [f for f in missing if f not in named_as_asked]


def ground(claim: str, cited: Sequence[Citation], texts: dict[Citation, str], names: Collection[str] = (),
           in_cables: dict[Citation, frozenset[str]] | None = None, uncited: bool = False, question: str = "") -> list[Citation]:
    """The citations of a sentence that its paragraphs support; a sentence with none is re-cited to the
    given paragraph that clearly holds it, or gets none. A bare citation (no claim) is supported by nothing.

    in_cables: per citation, the text_stems of the names and words (not numbers) anywhere in its cable; a
    claim may name who a paragraph's "she" or "the minister" is, as the cable says elsewhere.
    uncited: the model gave the claim no citation.
    question: what was asked. A claim's support is then half what share of its words the paragraph holds,
    half what share of the words it adds to the question: an answer restates the question's setting, which
    a summary paragraph holds as well as the paragraph that answers ("... as if it were Gabon or Mali").
    """
    terms = query_terms(claim)
    if not any(t in terms for t in _LOWER_WORD.findall(claim)) and not any(c.isdigit() for c in claim):
        return []  # "Marwan Hamadeh (¶2)", "XXXXXXXXXXXX (¶2)": names alone state nothing to check; a date does
    # The names and numbers a claim states must all be in the paragraph it cites (or its cable): a model
    # that echoes the question ("Brazil said ...") over a paragraph about another country is not supported.
    facts = names_and_numbers(claim, names)
    in_cables = in_cables or {}
    added = unasked(terms, question) if question else []

    def support(citation: Citation) -> float:
        text = texts[citation]
        if _missing_facts(facts, claim, text, in_cables.get(citation, frozenset()), question):
            return 0.0
        return (coverage(terms, text) + coverage(added, text)) / 2 if added else coverage(terms, text)

    supports = {c: support(c) for c in texts}
    supported = [c for c in cited if supports.get(c, 0.0) >= SUPPORT_MIN]
    if supported:
        return supported
    least = SUPPORT_MIN if uncited else RECITE_MIN
    scored = sorted(((score, c) for c, score in supports.items()), reverse=True)
    if not scored or scored[0][0] < least:
        return []
    if len(scored) == 1 or scored[0][0] - scored[1][0] >= RECITE_MARGIN:
        return [scored[0][1]]
    # No clear best: when the best clearly holds the sentence, it is cited to it and to the close ones that
    # hold enough of it (a summary and the paragraph it sums up often both do); otherwise to none.
    if scored[0][0] < RECITE_MIN:
        return []
    return sorted(c for score, c in scored if scored[0][0] - score < RECITE_MARGIN and score >= least)


def refusal_odds(tokens: Sequence[dict], said: str = REFUSAL) -> tuple[float, str | None]:
    """How likely the model thought the refusal it wrote, and the likeliest start it had of anything else.

    tokens: the reply's tokens as OpenAI log-probabilities ({token, logprob, top_logprobs}); said: the
    refusal as the model worded it, from the reply's start. The other start is the refusal's text up to
    the token where an alternative was likeliest, plus that alternative.
    """
    rest, text, logp = said, "", 0.0
    best: tuple[float, str | None] = (0.0, None)
    for token in tokens:
        if not rest or not rest.startswith(token["token"]):
            break
        for alt in token.get("top_logprobs") or ():
            word = alt["token"]
            # "The paragraphs" for "The cables" only words the same refusal differently.
            rewording = word.strip().lower() in REFUSAL_SUBJECTS + REFUSAL_QUALIFIERS
            if (word.strip() and word[-1:].isalnum() and not rest.startswith(word) and not rewording
                    and math.exp(alt["logprob"]) > best[0]):
                best = (math.exp(alt["logprob"]), text + word)
        logp += token["logprob"]
        text += token["token"]
        rest = rest[len(token["token"]):]
    if not tokens or rest == said:
        return 1.0, None
    return math.exp(logp), best[1]
