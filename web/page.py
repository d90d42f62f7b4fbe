"""The page's layout and events: the chat with its evidence panel and filters, the entity view, the upload.

Each browser session has its own conversation (a gr.State); the filter controls' values are per session
too. Every handler turns a failure into a plain message (gr.Warning / gr.Error), never a stack trace.
"""

from __future__ import annotations

import functools
import html
import inspect
import json
import logging
import shutil
import tempfile
import time
from pathlib import Path

import gradio as gr

from core.errors import CableQAError
from ingest.__main__ import render as render_report
from qa.answer import Delta, Turn
from qa.citations import parse_citations
from qa.filters import parse_entity, read_filters
from web import entities as catalogue
from web.answering import answer_events, answer_json, whole_answer
from web.backends import Backends
from web.conversation import Conversation
from web.export import conversation_markdown
from web.render import answer_markdown, chat_messages, evidence_html, filter_chips
from web.upload import ACCEPTED, CABLE_SUFFIXES, stage_uploads

log = logging.getLogger("cableqa.web")
HERE = Path(__file__).resolve().parent
# Answers run in worker threads; more than this many at once only slows each down on a small CPU.
ANSWER_CONCURRENCY = 8
EXAMPLES = [
    "Why did France set no benchmarks for Russia's withdrawal?",
    "What did Galharague say about the OSCE monitors?",
    "What did Boillon say the 500 Russians would do?",
]
MODE_LABELS = {
    "local": "Local model (CPU)",
    "quotes": "Quotes only (no model, instant)",
    "openai": "OpenAI-compatible server",
    "ollama": "Ollama server",
}
FILTER_CONTROLS = ("entities", "cables", "origins", "date_from", "date_to", "classifications", "tags")
CHIP_PREFIX = {"cables": "cable", "origins": "origin", "classifications": "classification", "tags": "TAG"}


def as_text(message: str) -> str:
    """Gradio renders toast messages as HTML; a file name or a typed value in one must show as text."""
    return html.escape(message, quote=False)


def warn(message: str) -> None:
    gr.Warning(as_text(message))


def user_facing(fn):
    """Turn any failure of a handler into a message for the person at the page; the trace goes to the log."""

    def translate(exc: Exception) -> gr.Error:
        if isinstance(exc, gr.Error):
            return exc
        if isinstance(exc, (CableQAError, ValueError)):
            return gr.Error(as_text(str(exc)), print_exception=False)
        log.exception("%s failed", fn.__name__)
        return gr.Error(f"That did not work ({type(exc).__name__}); the server's log has the details.", print_exception=False)

    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def stream(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - the edge: everything becomes a message
                raise translate(exc) from None
        return stream

    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the edge: everything becomes a message
            raise translate(exc) from None
    return call


def active_filters(entities, cables, origins, date_from, date_to, classifications, tags) -> list[tuple[str, str, str]]:
    """(control, value, label) for every filter set, in the order the controls show them."""
    active = [("entities", v, v.replace(":", " · ", 1)) for v in entities or ()]
    active += [(control, v, f"{CHIP_PREFIX[control]} {v}") for control, values in (("cables", cables), ("origins", origins)) for v in values or ()]
    if (date_from or "").strip() or (date_to or "").strip():
        active.append(("dates", "", f"dates {(date_from or '').strip() or '…'} to {(date_to or '').strip() or '…'}"))
    active += [(control, v, f"{CHIP_PREFIX[control]} {v}") for control, values in (("classifications", classifications), ("tags", tags)) for v in values or ()]
    return active


def build_page(backends: Backends) -> gr.Blocks:
    settings = backends.settings
    exports = Path(tempfile.mkdtemp(prefix="cableqa-exports-"))

    def choices():
        return backends.filter_choices()

    def stats() -> str:
        cables, paragraphs = backends.counts()
        return f"The store holds **{cables}** cables in **{paragraphs}** paragraphs."

    def headers_for(conversation: Conversation) -> dict:
        return backends.cable_headers(h.stored.paragraph.cable_id for e in conversation.exchanges for h in e.answer.hits)

    # -- the chat -----------------------------------------------------------------------------

    @user_facing
    def answer_in_chat(question, conversation, mode, *filter_values):
        question = (question or "").strip()
        keep = (gr.skip(),) * 4
        if not question:
            warn("Type a question first, or click one of the examples.")
            yield keep
            return
        try:
            filters = read_filters(*filter_values)
        except ValueError as exc:
            warn(str(exc))
            yield keep
            return
        turn = len(conversation.exchanges) + 1
        yield chat_messages(conversation, (question, "")), gr.skip(), gr.skip(), ""
        text, final = "", None
        for event in answer_events(backends, question, conversation.history(), filters, mode):
            if isinstance(event, Delta):
                text += event.text
                yield chat_messages(conversation, (question, answer_markdown(text, parse_citations(text), turn))), gr.skip(), gr.skip(), gr.skip()
            else:
                final = event
        conversation = conversation.add(final, filters)
        yield chat_messages(conversation), evidence_html(conversation, headers_for(conversation)), conversation, gr.skip()

    def pick_example(event: gr.SelectData) -> str:
        return event.value["text"]

    def new_conversation():
        conversation = Conversation()
        return [], evidence_html(conversation, {}), conversation, None

    @user_facing
    def export(conversation: Conversation):
        if not conversation.exchanges:
            warn("Nothing to export yet: ask a question first.")
            return None
        # Gradio serves a copy from its cache; ours can go once it is an hour old.
        for old in exports.iterdir():
            if time.time() - old.stat().st_mtime > 3600:
                shutil.rmtree(old, ignore_errors=True)
        path = Path(tempfile.mkdtemp(dir=exports)) / "cable-qa-conversation.md"
        path.write_text(conversation_markdown(conversation, headers_for(conversation)), encoding="utf-8")
        return gr.File(value=str(path), visible=True)

    # -- filters ------------------------------------------------------------------------------

    def chips(*values):
        return filter_chips(active_filters(*values))

    @user_facing
    def bridge(message, *values):
        """An entity clicked in a paragraph (add it) or a chip's × (remove that filter)."""
        current = dict(zip(FILTER_CONTROLS, values))
        try:
            action, payload = json.loads(message)[:2]
        except (ValueError, TypeError):
            return (gr.skip(),) * len(FILTER_CONTROLS)
        if action == "add-entity":
            entity = parse_entity(str(payload))
            value = f"{entity.type.value}:{entity.name}"
            current["entities"] = [*(v for v in current["entities"] or () if v != value), value]
        elif action == "remove" and isinstance(payload, list) and len(payload) == 2:
            control, value = payload
            if control == "dates":
                current["date_from"] = current["date_to"] = ""
            elif control in current and control not in ("date_from", "date_to"):
                current[control] = [v for v in current[control] or () if v != value]
        # Only the control that changed is sent back, so only its change event (the chips) runs.
        return tuple(current[c] if current[c] != before else gr.skip() for c, before in zip(FILTER_CONTROLS, values))

    def refreshed_choices():
        found = choices()
        return (gr.Dropdown(choices=found.entities), gr.Dropdown(choices=found.cables), gr.Dropdown(choices=found.origins),
                gr.Dropdown(choices=found.classifications), gr.Dropdown(choices=found.tags), gr.Dropdown(choices=found.entities), stats())

    # -- the entity view ----------------------------------------------------------------------

    @user_facing
    def entity_view(values):
        chosen = [parse_entity(v) for v in values or ()]
        rows = catalogue.named_with(backends.keyword, chosen)
        table = [[t, n, c] for t, n, c in rows]
        return catalogue.mentions_over_time(backends.keyword, chosen), table

    def first_people():
        return [value for _, value in choices().entities if value.startswith("PER:")][:2]

    # -- upload -------------------------------------------------------------------------------

    @user_facing
    def ingest_uploads(files, progress=gr.Progress()):
        if not files:
            warn("Choose one or more files first: .txt, .html, .htm, .csv, or a .zip of them.")
            return ("",) + tuple(gr.skip() for _ in range(7))
        folder = Path(tempfile.mkdtemp(prefix="cableqa-upload-"))
        try:
            staged = stage_uploads(files, folder, settings.upload_max_bytes)
            lines = []
            if staged.refused:
                lines += [f"Refused {len(staged.refused)} upload(s):"] + [f"  - {reason}" for reason in staged.refused]
            if staged.ignored:
                lines.append(f"Ignored {staged.ignored} file(s) in the .zip archives that are not .txt, .html, .htm or .csv.")
            if not staged.files:
                warn("No cable file to read: " + (staged.refused[0] if staged.refused else "the archives hold none."))
                return ("\n".join(lines),) + refreshed_choices()
            done, total = 0, None  # None: a .csv holds an unknown number of cables, so the bar counts without a total

            def start(expected):
                nonlocal total
                total = expected
                progress((0, total), desc="Reading cables", unit="cables")

            def tick():
                nonlocal done
                done += 1
                progress((done, total), desc="Reading cables", unit="cables")

            report = backends.ingest(staged.files, start, tick)
            lines = [staged.rename(line) for line in render_report(report, backends.store.count()).splitlines()] + lines
            gr.Info(f"Stored {report.stored} cable(s); {len(report.failed) + len(staged.refused)} file(s) could not be read: see the report.")
            return ("\n".join(lines),) + refreshed_choices()
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    # -- the API --------------------------------------------------------------------------------

    @user_facing
    def api_ask(question: str, entities: list[str] | None = None, cables: list[str] | None = None, origins: list[str] | None = None,
                date_from: str = "", date_to: str = "", classifications: list[str] | None = None, tags: list[str] | None = None,
                mode: str = "", history: list[dict] | None = None) -> dict:
        """Answer one question from the stored cables, with citations and the paragraphs retrieved, as JSON.

        entities: TYPE:name, e.g. PER:Galharague (all must be named); dates yyyy-mm-dd; mode: quotes, local,
        openai or ollama (empty: the app's default); history: for a follow-up, the earlier turns, oldest first,
        each {"question": ..., "cables": [...]} (a result's question and cited_cables). Nothing is kept between calls.
        """
        filters = read_filters(entities, cables, origins, date_from, date_to, classifications, tags)
        turns = [Turn(str(h.get("question", "")), tuple(h.get("cables") or ())) for h in history or () if isinstance(h, dict)]
        return answer_json(backends, whole_answer(backends, question, turns, filters, mode or settings.mode), filters)

    @user_facing
    def api_chat(question, filters, mode, conversation: Conversation):
        """Like /ask, but a follow-up of this client session's earlier questions (kept on the server)."""
        filters = read_filters(**{k: v for k, v in (filters or {}).items() if k in FILTER_CONTROLS})
        final = whole_answer(backends, question, conversation.history(), filters, mode or settings.mode)
        result = answer_json(backends, final, filters)
        conversation = conversation.add(final, filters)
        result["turn"] = len(conversation.exchanges)
        result["conversation"] = [e.answer.question for e in conversation.exchanges]
        return result, conversation

    # -- the layout -----------------------------------------------------------------------------

    found = choices()
    # Uploads and exports in Gradio's cache are deleted after a day, checked hourly.
    with gr.Blocks(title="Cable QA", delete_cache=(3600, 86400)) as page:
        conversation = gr.State(Conversation())
        with gr.Row():
            gr.Markdown("## Cable QA\nAsk the cables; every answer cites its paragraphs, and each citation is checked.")
            store_stats = gr.Markdown(stats())
        with gr.Tab("Ask"):
            with gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        elem_id="cableqa-chat", label="Conversation", height=460, latex_delimiters=[],
                        examples=[{"text": q} for q in EXAMPLES], placeholder="**Ask about the cables.** The store starts with one sample cable, 08PARIS1616 (Paris, August 2008). Try an example:",
                        buttons=["copy"],
                    )
                    chip_row = gr.HTML(filter_chips([]), elem_id="cableqa-chips")
                    with gr.Row():
                        question = gr.Textbox(elem_id="cableqa-question", show_label=False, scale=5, autofocus=True,
                                              placeholder="Ask a question, e.g. " + EXAMPLES[0])
                        send = gr.Button("Ask", variant="primary", scale=1, elem_id="cableqa-ask")
                    with gr.Row():
                        mode = gr.Radio([(MODE_LABELS[m], m) for m in ("local", "quotes", "openai", "ollama")],
                                        value=settings.mode, label="Answer with", elem_id="cableqa-mode", scale=3)
                        with gr.Column(scale=1, min_width=160):
                            clear_chat = gr.Button("New conversation", size="sm")
                            export_button = gr.Button("Export as Markdown", size="sm", elem_id="cableqa-export")
                    export_file = gr.File(label="Conversation as Markdown", visible=False, interactive=False)
                    with gr.Accordion("Filters (applied to the next question)", open=True, elem_id="cableqa-filters"):
                        entities = gr.Dropdown(found.entities, value=[], multiselect=True, allow_custom_value=True, elem_id="cableqa-entities",
                                               label="People, organisations, places", info="Paragraphs naming all of them. Type to search, or TYPE:name.")
                        with gr.Row():
                            cables = gr.Dropdown(found.cables, value=[], multiselect=True, allow_custom_value=True, label="Cables")
                            origins = gr.Dropdown(found.origins, value=[], multiselect=True, allow_custom_value=True, label="Origin")
                        with gr.Row():
                            date_from = gr.Textbox(label="From", placeholder="yyyy-mm-dd", elem_id="cableqa-from")
                            date_to = gr.Textbox(label="To", placeholder="yyyy-mm-dd", elem_id="cableqa-to")
                        with gr.Row():
                            classifications = gr.Dropdown(found.classifications, value=[], multiselect=True, allow_custom_value=True, label="Classification")
                            tags = gr.Dropdown(found.tags, value=[], multiselect=True, allow_custom_value=True, label="TAGS")
                        clear_filters = gr.Button("Clear all filters", size="sm")
                with gr.Column(scale=2):
                    evidence = gr.HTML(evidence_html(Conversation(), {}), elem_id="cableqa-evidence", label="Evidence",
                                       max_height=900, js_on_load=None)
        with gr.Tab("Entities"):
            gr.Markdown("Paragraphs naming the chosen entities over time, and the names most often found beside them.")
            view_pick = gr.Dropdown(found.entities, value=[], multiselect=True, allow_custom_value=True, label="Entities", elem_id="cableqa-view-pick")
            with gr.Row():
                timeline = gr.LinePlot(x="period", y="paragraphs", color="entity", label="Paragraphs naming them",
                                       x_title="Month (or year)", y_title="Paragraphs", sort="x", scale=3, elem_id="cableqa-timeline")
                named = gr.Dataframe(headers=["Type", "Name", "Paragraphs together"], datatype=["str", "str", "number"],
                                     label="Most often named with them", interactive=False, scale=2)
            use_as_filters = gr.Button("Ask about these (use them as filters)", size="sm")
        with gr.Tab("Add cables"):
            gr.Markdown(f"Upload cable files ({', '.join(CABLE_SUFFIXES)}), a folder as a .zip, or a `cables.csv` dump. "
                        f"At most {settings.upload_max_mb:g} MB per file. Cables already stored and unchanged are skipped.")
            # No file_types: the browser would refuse a wrong type in a message that renders its name as HTML;
            # stage_uploads refuses it instead, with the reason in the report, as text.
            uploads = gr.File(file_count="multiple", type="filepath", label=f"Cable files ({', '.join(ACCEPTED)})", elem_id="cableqa-upload")
            ingest_button = gr.Button("Read and store them", variant="primary")
            report = gr.Textbox(label="Report", lines=10, interactive=False, elem_id="cableqa-report")
        bridge_box = gr.Textbox(visible="hidden", elem_id="cableqa-bridge", show_label=False)
        api_question = gr.Textbox(visible=False, label="question")
        api_filters = gr.JSON(visible=False, label="filters")
        api_mode = gr.Textbox(visible=False, label="mode")
        api_result = gr.JSON(visible=False, label="answer")
        api_button = gr.Button(visible=False)

        controls = [entities, cables, origins, date_from, date_to, classifications, tags]
        answer_outputs = [chatbot, evidence, conversation, question]
        answer_options = dict(concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer", api_visibility="private")
        gr.on([question.submit, send.click], answer_in_chat, [question, conversation, mode, *controls], answer_outputs, **answer_options)
        chatbot.example_select(pick_example, None, question, api_visibility="private", queue=False).then(
            answer_in_chat, [question, conversation, mode, *controls], answer_outputs, **answer_options)
        clear_chat.click(new_conversation, None, [chatbot, evidence, conversation, export_file], api_visibility="private")
        export_button.click(export, conversation, export_file, api_visibility="private")
        gr.on([c.change for c in controls], chips, controls, chip_row, api_visibility="private", queue=False)
        clear_filters.click(lambda: ([], [], [], "", "", [], []), None, controls, api_visibility="private", queue=False)
        bridge_box.change(bridge, [bridge_box, *controls], controls, api_visibility="private", queue=False)
        view_pick.change(entity_view, view_pick, [timeline, named], api_visibility="private")
        use_as_filters.click(lambda picked, current: list(dict.fromkeys([*(current or []), *(picked or [])])), [view_pick, entities], entities,
                             api_visibility="private", queue=False)
        ingest_button.click(ingest_uploads, uploads, [report, entities, cables, origins, classifications, tags, view_pick, store_stats],
                            api_visibility="private", concurrency_limit=1)
        page.load(first_people, None, view_pick, api_visibility="private")
        gr.api(api_ask, api_name="ask", concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer")
        api_button.click(api_chat, [api_question, api_filters, api_mode, conversation], [api_result, conversation], api_name="chat",
                         concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer")
    return page


def launch(page: gr.Blocks, **kwargs):
    """Serve the page with its stylesheet and script; kwargs go to Blocks.launch (server_name, auth, ...)."""
    css = (HERE / "page.css").read_text(encoding="utf-8")
    head = "<script>" + (HERE / "page.js").read_text(encoding="utf-8") + "</script>"
    return page.queue(default_concurrency_limit=ANSWER_CONCURRENCY).launch(css=css, head=head, footer_links=["api"], **kwargs)
