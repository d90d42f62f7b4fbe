"""A question in, an `Answer` out: rewrite a follow-up, retrieve, answer from the paragraphs, check citations."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage

from core.errors import CableQAError

from qa.citations import (CITED_CLAIM, REFUSAL, Citation, check_citations, fill_placeholders, format_citations, is_refusal,
                          refusal_said, strip_citations)
from qa.filters import Filters
from qa.grounding import ECHO_MAX, FORCE_BELOW, ground, refusal_odds
from qa.prompt import answer_messages, rewrite_messages
from qa.quotes import (SentenceScorer, asks_figure, capitalised_words, coverage, holds_all, names_and_numbers, novelty,
                       quote_answer, split_sentences, stated_figures, text_stems)
from qa.retrieve import Hit, Retriever, query_terms

# The least share of the question's weighted terms the best paragraph must contain for an answer to be
# attempted. Calibrated on the dev questions (see README, "Don't answer"): below it, the cables don't say.
MIN_COVERAGE = 0.35
# The model reads the best 3 paragraphs; when it finds no answer there, or none that holds up, it
# reads the next 3 retrieved (ranks 4 and 5 at the default k of 5) before the cables "don't say".
# On the dev questions the second look answered D005 from its gold ¶6 and turned three wrong quotes
# into refusals; it costs a second generation only when the first found nothing.
PROMPT_PARAGRAPHS = 3
UNSUPPORTED_NOTICE = "The chat model's answers did not hold up against the paragraphs they cited."
FIGURE_NOTICE = "The question asks for a figure, and the paragraph that comes closest states none."
UNSURE_NOTICE = "The model was unsure the paragraphs answer this; read the cited paragraph before relying on it."
# A rewrite replaces the follow-up's pronouns and vague words and keeps what it asks. One that holds less
# than this share of the follow-up's weighted words and adds little (under REWRITE_KEEPS of its own words)
# to the earlier question would not answer the follow-up: "What share of the seats did he predict?" came
# back as the earlier "Who did Zhirinovskiy name as number two?", reworded. "What did the minister say?"
# -> "What did Kouchner say?" keeps nothing of the follow-up but adds a name, and stands.
REWRITE_KEEPS = 0.5


@dataclass(frozen=True)
class Turn:
    """An earlier question of the conversation and the cables its answer cited."""

    question: str
    cables: tuple[str, ...] = ()
    answer: str = ""


@dataclass(frozen=True)
class Answer:
    """Everything about one answer; the CLI, the eval tool and the web page all render this."""

    question: str
    rewritten: str
    hits: tuple[Hit, ...]
    text: str
    citations: tuple[Citation, ...] = ()
    dropped: tuple[Citation, ...] = ()
    abstained: bool = False
    mode: str = "quotes"
    notice: str | None = None
    prompt_tokens: int | None = None  # the largest prompt the model read (a second look reads another)
    timings: dict = field(default_factory=dict)

    @property
    def cited_hits(self) -> list[Hit]:
        cited = set(self.citations)
        return [h for h in self.hits if h.citation in cited]

    @property
    def related(self) -> list[Hit]:
        """The closest paragraphs of an answer that says the cables don't: shown apart, not cited."""
        return list(self.hits[:3]) if self.abstained else []


@dataclass(frozen=True)
class Delta:
    """A piece of streamed answer text, already checked."""

    text: str


def rewrite(question: str, history: Sequence[Turn], retriever: Retriever, chat_model: BaseChatModel | None) -> tuple[str, str, list[str]]:
    """(question for retrieval, extra keyword context, cables to prefer) for a question after `history`."""
    if not history:
        return question, "", []
    last = history[-1]
    cables = list(last.cables)
    if chat_model is not None:
        try:
            messages = rewrite_messages(question, [t.question for t in history])
            try:  # one line is all that is read: the model stops there rather than write on
                reply = chat_model.invoke(messages, stop=["\n"])
            except Exception:  # noqa: BLE001 - some hosted models (OpenAI's reasoning ones) refuse a stop
                reply = chat_model.invoke(messages)
            text = reply.content.strip()
            text = text.splitlines()[0].strip() if text else ""
            # The 1.5B model sometimes glues the earlier question onto the new one; that rewrite would
            # search for, and be answered as, the earlier question again.
            glued = " ".join(last.question.lower().split()) in " ".join(text.lower().split())
            asked = query_terms(question)
            kept = coverage(asked, text) if asked else 1.0  # "And why?" has nothing to keep
            earlier_again = kept < REWRITE_KEEPS and novelty(text, last.question) < REWRITE_KEEPS
            if 3 <= len(text) <= 400 and not glued and not earlier_again:
                return text, "", cables
        except Exception:  # a failing model must not lose the question; carry the context instead
            pass
    # Without a model: carry the last turn's names and cables along.
    names = [key for _, key in retriever.known_names(last.question, rare_only=False)]
    parts = [question]
    if names:
        parts.append("about " + ", ".join(dict.fromkeys(names)))
    if cables:
        parts.append("in " + ", ".join(cables))
    return " — ".join(parts), last.question, cables


def _evidence(question: str, hits: Sequence[Hit]) -> float:
    terms = query_terms(question)
    return max((coverage(terms, h.stored.paragraph.text) for h in hits), default=0.0)


def stream_answer(
    question: str,
    history: Sequence[Turn] = (),
    filters: Filters = Filters(),
    *,
    retriever: Retriever,
    chat_model: BaseChatModel | None = None,
    mode: str = "quotes",
    k: int = 5,
) -> Iterator[Delta | Answer]:
    """Yield checked pieces of the answer text as they come, then the whole Answer."""
    start = time.perf_counter()
    asked = question.strip()
    rewritten, context, cables = rewrite(asked, history, retriever, chat_model)
    search_for = rewritten if chat_model is not None or not history else asked
    hits = tuple(retriever.retrieve(search_for, filters, k=k, prefer_cables=cables, context=context))
    timings = {"retrieve": time.perf_counter() - start}
    base = dict(question=asked, rewritten=rewritten, hits=hits, mode=mode)

    if not hits or _evidence(search_for + " " + context, hits) < MIN_COVERAGE:
        yield Delta(REFUSAL)
        yield Answer(text=REFUSAL, abstained=True, timings=timings, **base)
        return

    fallback = None  # why the chat model gave way to quotes
    scorer = SentenceScorer(search_for, retriever.embedder, retriever.query_vector(search_for))
    if chat_model is not None:
        result, prompt_tokens, looked = None, [], False
        for given in (hits[:PROMPT_PARAGRAPHS], hits[PROMPT_PARAGRAPHS:2 * PROMPT_PARAGRAPHS]):
            if not given:
                continue
            try:
                found = yield from _generate(asked if not history else rewritten, given, chat_model, scorer,
                                             _cable_stems(retriever, given), timings, start, prompt_tokens)
            except Exception as exc:  # noqa: BLE001 - any model failure falls back to quotes, visibly
                failure = f"The chat model failed ({type(exc).__name__}: {exc})"
                if not looked:
                    fallback = failure
                    break
                # The model already read the best paragraphs and found no answer there: no quote of them.
                result = result or dict(text=REFUSAL, abstained=True, notice=f"{failure}.")
                break
            looked = True
            if found is not None and not found.get("abstained"):
                result = found
                break
            result = result or found  # a refusal stands when the other look finds nothing either
        else:
            # No cited sentence held up in either look: a quote of the best paragraph would cite what the
            # model, reading it, could not answer from (on the dev and held-out questions such quotes
            # were gold once in eleven), so the cables don't say, with the closest paragraphs as related.
            result = result or dict(text=REFUSAL, abstained=True, notice=UNSUPPORTED_NOTICE)
        if fallback is None:
            if result.get("abstained"):
                if result.get("notice"):
                    yield Delta(f"{result['notice']}\n\n")
                yield Delta(REFUSAL)
            yield Answer(timings=timings, prompt_tokens=max(prompt_tokens, default=None), **base, **result)
            return
        base["mode"] = "quotes"
    if asks_figure(search_for) and not stated_figures(hits[0].stored.paragraph.text, search_for):
        # A quote of it would cite a paragraph that cannot hold the answer.
        timings["total"] = time.perf_counter() - start
        notice = f"{fallback}.\n\n{FIGURE_NOTICE}" if fallback else FIGURE_NOTICE
        yield Delta(f"{notice}\n\n{REFUSAL}")
        yield Answer(text=REFUSAL, abstained=True, notice=notice, timings=timings, **base)
        return
    notice = f"{fallback}; showing quotes instead." if fallback else None
    text, citations = quote_answer(scorer, hits)
    timings["total"] = time.perf_counter() - start
    if notice:
        yield Delta(f"{notice}\n\n")
    yield Delta(text)
    yield Answer(text=text, citations=tuple(citations), notice=notice, timings=timings, **base)


def _cable_stems(retriever: Retriever, given: Sequence[Hit]) -> dict[Citation, frozenset[str]]:
    """Each given paragraph's cable's words and names, as stems: where a claim's names may stand."""
    cables = [h.stored.paragraph.cable_id for h in given]
    named, words = retriever.keyword.cable_names(cables), retriever.keyword.cable_words(cables)
    stems = {cable: text_stems(" ".join(named[cable] | words[cable])) for cable in set(cables)}
    return {h.citation: stems[h.stored.paragraph.cable_id] for h in given}


def _generate(question: str, given: Sequence[Hit], chat_model: BaseChatModel, scorer: SentenceScorer,
              in_cables: dict[Citation, frozenset[str]], timings: dict, start: float, prompt_tokens: list[int]):
    """Stream the model's answer claim by claim, each checked before it is shown.

    Returns the Answer fields, or None when nothing cited survives the check; the prompt's size in
    tokens, when the model reports it, is added to `prompt_tokens`. A refusal the model was unsure of
    (its probability under FORCE_BELOW) is followed by its likeliest other start, and what that
    continues into is checked like any answer; when it does not hold up, the refusal stands.
    """
    texts: dict[Citation, str] = {}
    for h in given:  # some cables print a number twice: both paragraphs answer to its citation
        texts[h.citation] = " ".join(filter(None, [texts.get(h.citation), h.stored.paragraph.text, _context(h)]))
    allowed = set(texts)
    names = capitalised_words([question, *texts.values()])
    messages = answer_messages(question, given, scorer)
    shown: list[str] = []
    kept: list[Citation] = []
    dropped: list[Citation] = []
    failed = {"echo": 0, "unsupported": 0}
    usage_seen: dict = {}

    def release(sentence: str):
        clean, good, bad = check_citations(sentence, allowed)
        dropped.extend(bad)
        claim = strip_citations(clean).strip()
        if is_refusal(claim):
            # "The cables available don't say (X ¶7)." is a refusal, whatever it cites.
            dropped.extend(good)
            return None
        # A sentence that restates the question answers nothing, unless it adds a number or a name ("300").
        if claim and novelty(claim, question) < ECHO_MAX and holds_all(names_and_numbers(claim, names), question):
            failed["echo"] += 1
            dropped.extend(good)
            return None
        cited = ground(claim, good, texts, names, in_cables, uncited=not (good or bad), question=question)
        dropped.extend(c for c in good if c not in cited)
        if not cited:
            failed["unsupported"] += bool(claim)
            return None  # a sentence no given paragraph supports is not shown
        kept.extend(c for c in cited if c not in kept)
        if cited == good:
            return clean.strip()
        body = claim.rstrip(".!?")
        return f"{body} {format_citations(cited)}{claim[len(body):]}"

    def run(prompt: list[BaseMessage], prefix: str = "", lead: str = ""):
        """Stream one generation (continuing `prefix`), releasing checked claims, the first after `lead`;
        returns (text, token log-probabilities)."""
        raw, buffer, tokens = prefix, prefix, []

        def show(sentence: str, end: str):
            out = release(sentence)
            if out:
                if lead and not shown:
                    yield Delta(lead)
                shown.append(out)
                yield Delta(out + end)

        for chunk in chat_model.stream(prompt):
            if "first_token" not in timings:
                timings["first_token"] = time.perf_counter() - start
            usage = getattr(chunk, "usage_metadata", None)
            if usage and usage.get("input_tokens") and not usage_seen:
                usage_seen["prompt_tokens"] = usage["input_tokens"]
            logprobs = chunk.response_metadata.get("logprobs")
            if isinstance(logprobs, list):  # OpenAI's per-token form, as LocalChatModel gives it
                tokens.extend(logprobs)
            piece = chunk.content if isinstance(chunk.content, str) else ""
            raw += piece
            buffer = fill_placeholders(buffer + piece, allowed)
            # A claim is released when its citation and the character after it have arrived: checking
            # sentence by sentence would cut at "the U.S." and judge half a sentence without its citation.
            while True:
                m = CITED_CLAIM.match(buffer)
                if not m or m.end() >= len(buffer):
                    break
                buffer = buffer[m.end():]
                yield from show(m.group(1).strip(), " ")
        while m := CITED_CLAIM.match(buffer):  # the last claim, its citation at the very end
            buffer = buffer[m.end():]
            yield from show(m.group(1).strip(), " ")
        # What the model left uncited is checked sentence by sentence: each may be held by another paragraph.
        for sentence in split_sentences(buffer):
            yield from show(sentence, " ")
        return raw, tokens

    raw, tokens = yield from run(messages)
    refused = not kept and is_refusal(raw)
    notice = None
    if refused:
        # Only a reply that opens with its refusal has its odds weighed: one that said something first
        # stands as it is.
        said = refusal_said(raw)
        odds, other_start = refusal_odds(tokens, said) if said else (1.0, None)
        timings.setdefault("refusal_probability", odds)  # the first look's: FORCE_BELOW was set on it
        if other_start and odds < FORCE_BELOW:
            failed.update(echo=0, unsupported=0)
            yield from run([*messages, AIMessage(content=other_start)], other_start, f"{UNSURE_NOTICE}\n\n")
            notice = UNSURE_NOTICE if kept else None
    timings["total"] = time.perf_counter() - start
    if usage_seen.get("prompt_tokens"):
        prompt_tokens.append(usage_seen["prompt_tokens"])
    # A model that says the paragraphs don't answer, or that only restates the question, found no answer.
    if not kept and (refused or (failed["echo"] and not failed["unsupported"])):
        return dict(text=REFUSAL, abstained=True)
    if not kept:
        return None
    # A citation both kept (on a supported sentence) and dropped (on an unsupported one) is reported kept.
    dropped = [c for c in dict.fromkeys(dropped) if c not in kept]
    return dict(text=" ".join(shown), citations=tuple(kept), dropped=tuple(dropped), notice=notice)


def _context(hit: Hit) -> str:
    """What a paragraph's cable says around it: where and when it was written ("2007", "November", "Embassy Kuala Lumpur")."""
    parts = [hit.stored.origin, hit.stored.paragraph.cable_id]
    try:
        parts.append(date.fromisoformat((hit.stored.date or "")[:10]).strftime("%Y %B %d"))
    except ValueError:
        pass
    return " ".join(p for p in parts if p)


def to_json(result: Answer) -> dict:
    return {
        "question": result.question,
        "rewritten": result.rewritten,
        "answer": result.text,
        "abstained": result.abstained,
        "mode": result.mode,
        "notice": result.notice,
        "citations": [str(c) for c in result.citations],
        "dropped_citations": [str(c) for c in result.dropped],
        "paragraphs": [
            {
                "id": h.record_id,
                "label": h.stored.paragraph.label,
                "cited": h in result.cited_hits,
                "date": h.stored.date,
                "origin": h.stored.origin,
                "classification": h.stored.classification,
                "text": h.stored.paragraph.text,
                "entities": [str(e) for e in h.stored.paragraph.entities],
                "score": round(h.score, 4),
            }
            for h in result.hits
        ],
        "prompt_tokens": result.prompt_tokens,
        "timings_s": {k: round(v, 3) for k, v in result.timings.items()},
    }


def stream_with_model(question: str, history: Sequence[Turn], filters: Filters, *, retriever: Retriever,
                      model_for: Callable[[str], BaseChatModel | None], mode: str, k: int = 5) -> Iterator[Delta | Answer]:
    """stream_answer with the mode's chat model from `model_for`; when it cannot be had (CableQAError),
    quotes, with a notice saying why."""
    try:
        chat_model, notice = model_for(mode), None
    except CableQAError as exc:
        chat_model, notice = None, f"Quotes only: {exc}"
        yield Delta(f"{notice}\n\n")
    for event in stream_answer(question, history, filters, retriever=retriever, chat_model=chat_model,
                               mode=mode if chat_model is not None else "quotes", k=k):
        if isinstance(event, Answer) and notice:
            event = replace(event, notice=f"{notice}\n\n{event.notice}" if event.notice else notice)
        yield event


def answer(question: str, history: Sequence[Turn] = (), filters: Filters = Filters(), **kwargs) -> Answer:
    """The whole answer at once; see stream_answer."""
    final = None
    for event in stream_answer(question, history, filters, **kwargs):
        if isinstance(event, Answer):
            final = event
    assert final is not None
    return final
