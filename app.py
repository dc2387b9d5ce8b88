"""Casebook's web app: Chat, Lessons learnt and Library tabs wired to the `Casebook` service.

Widgets and wiring only; what is shown is built in assistant/ (web/, answering/lessons,
library/uploads). Run `python app.py` or `casebook-app`.
"""

from __future__ import annotations

import functools
import inspect
import io
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gradio as gr
from PIL import Image
from tqdm import tqdm

from assistant.answering.answers import Answer, passage_json
from assistant.answering.lessons import DEFAULT_SECTIONS, build_filters, search_lessons, to_csv, to_markdown
from assistant.errors import CasebookError, translated
from assistant.library.uploads import UploadRejected, UploadRules, store_upload
from assistant.quiz import (
    QUIZ_FORMATS,
    QUIZ_KINDS,
    QuizRequest,
    build_quiz,
    export_quiz,
    wording,
)
from assistant.service import Casebook
from assistant.settings import Settings
from assistant.types import SECTION_KEYS
from assistant.web.access import credentials
from assistant.web.background import LowPriorityWorker
from assistant.web.chat_stream import stream_turn
from assistant.web.downloads import Downloads
from assistant.web.library_view import ACTION_COLUMNS, REPORT_COLUMNS, action_rows, report_rows
from assistant.web.matrix import matrix_png
from assistant.web.render import answer_markdown, citations_panel, lesson_groups_html

log = logging.getLogger("casebook.app")
# Gradio's queue rebuilds a pandas summary of its last 10,000 events after every event (for its
# monitoring page, which Casebook leaves off): 2.5 ms of CPU per request at 2,000 events, 7 ms
# at 10,000, a tenth of the app's CPU under load. Once per this many events instead.
QUEUE_SUMMARY_EVERY = "1000"
UI_LANG = "en"
EXAMPLES = [
    "Quelle organisation gère le refuge pour les victimes de la traite ?",
    "Quels enseignements l'Action en Jordanie a-t-elle tirés ?",
    "Who runs the shelter for victims of trafficking in Jordan?",
    "Which criteria does the Jordan Action illustrate?",
]
CSS = """
.cite-slot { display: none; }
.cite-slot.selected { display: block; }
.passage-card { border: 1px solid #ccd; border-radius: 8px; padding: 10px; margin: 6px 0; }
.passage-action { font-weight: 700; }
.passage-meta, .passage-criteria { font-size: 0.85em; color: #555; }
.passage-text { margin-top: 6px; white-space: pre-wrap; }
.passage-text mark { background: #ffe58a; }
"""
# Clicking an [n] marker in an answer shows that citation's card in the side panel.
HEAD = """
<script>
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a[href*='#cite-']");
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  const wanted = link.getAttribute("href").split("#")[1];
  document.querySelectorAll("#cite-panel .cite-slot").forEach((slot) => {
    slot.classList.toggle("selected", slot.dataset.anchor === wanted);
  });
}, true);
</script>
"""


def shown_to_user(handler: Callable[..., Any]) -> Callable[..., Any]:
    """`handler` with Casebook's errors (a store that cannot be used now, a quiz that cannot be
    built...) shown as their message in the page and the API instead of a bare "Error": the one
    place the app turns errors into messages. The next request tries again."""
    if inspect.isgeneratorfunction(handler):

        @functools.wraps(handler)
        def stream(*args: Any, **kwargs: Any) -> Iterator[Any]:
            try:
                with translated():
                    yield from handler(*args, **kwargs)
            except CasebookError as error:
                raise gr.Error(str(error)) from error

        return stream

    @functools.wraps(handler)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            with translated():
                return handler(*args, **kwargs)
        except CasebookError as error:
            raise gr.Error(str(error)) from error

    return call


def _year(value: str | float | None, field: str) -> int | None:
    """A year typed in a field (or given as a number through the API); None when left empty."""
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    try:
        return int(float(text))
    except ValueError:
        raise gr.Error(f"{field}: {text!r} is not a year") from None


def build(casebook: Casebook, downloads: Downloads, ingester: LowPriorityWorker) -> gr.Blocks:
    settings = casebook.settings
    taxonomy = casebook.library.taxonomy
    rules = UploadRules(tuple(s.lower() for s in settings.web.allowed_types), settings.web.max_upload_bytes)
    criterion_choices = [
        (f"{c.number}. {taxonomy.criterion_label(c.number, UI_LANG)}", c.number) for c in taxonomy.criteria
    ]
    theme_choices = [(taxonomy.theme_label(t.key, UI_LANG), t.key) for t in taxonomy.themes]

    def countries() -> list[str]:
        return sorted({a.country for a in casebook.actions()})

    # ---- chat --------------------------------------------------------------------------

    @shown_to_user
    def chat(question: str, messages: list[dict], turns: list[Answer]) -> Iterator[tuple[Any, ...]]:
        question = question.strip()
        if not question:
            yield messages, gr.skip(), turns, ""
            return
        history = [[t.question, t.answer] for t in turns]
        messages = [*messages, {"role": "user", "content": question}, {"role": "assistant", "content": ""}]
        for part in stream_turn(casebook, question, history):
            if isinstance(part, Answer):
                turns = [*turns, part]
                messages[-1] = {"role": "assistant", "content": answer_markdown(part, len(turns) - 1)}
                yield messages, citations_panel(turns, taxonomy), turns, ""
            else:
                messages[-1] = {"role": "assistant", "content": part}
                yield messages, gr.skip(), turns, ""

    def clear_chat() -> tuple[list, str, list]:
        return [], citations_panel([], taxonomy), []

    @shown_to_user
    def ask_api(question: str, history: list[list[str]] | None = None) -> dict:
        """Ask a question; the answer with its citations as JSON."""
        answer: Answer | None = None
        for part in stream_turn(casebook, question, history or []):
            if isinstance(part, Answer):
                answer = part
        assert answer is not None
        return answer.to_json()

    # ---- lessons -----------------------------------------------------------------------

    @shown_to_user
    def lessons(
        query: str,
        criteria: list[int] | None = None,
        theme: str | None = None,
        country: list[str] | None = None,
        year_from: str | float | None = None,
        year_to: str | float | None = None,
        sections: list[str] | None = None,
        language: str | None = None,
        request: gr.Request | None = None,
    ) -> tuple[str, str | None, str | None]:
        """Lessons and practices (by default) about `query` under the filters, grouped by Action,
        with CSV and Markdown exports. Every parameter but `query` is optional."""
        if not query.strip():
            raise gr.Error("Type what the lessons should be about.")
        years = (_year(year_from, "From year"), _year(year_to, "To year"))
        filters = build_filters(
            criteria or [],
            theme,
            country or [],
            years,
            list(DEFAULT_SECTIONS) if sections is None else sections,
            language,
        )
        groups = search_lessons(casebook, query, filters)
        folder = downloads.fresh_folder(request.session_hash if request else None, "lessons")
        csv_path, md_path = folder / "lessons.csv", folder / "lessons.md"
        csv_path.write_text(to_csv(groups, taxonomy, UI_LANG), encoding="utf-8")
        md_path.write_text(to_markdown(groups, query, taxonomy, UI_LANG), encoding="utf-8")
        return lesson_groups_html(groups, taxonomy, UI_LANG), str(csv_path), str(md_path)

    @shown_to_user
    def search_api(
        query: str,
        criteria: list[int] | None = None,
        theme: str | None = None,
        countries: list[str] | None = None,
        sections: list[str] | None = None,
        language: str | None = None,
        k: int = 10,
    ) -> list[dict]:
        """Ranked passages under the filters, as JSON."""
        filters = build_filters(criteria, theme, countries, (None, None), sections, language)
        hits = casebook.search(query, k=k, filters=filters)
        return [{"score": h.score, **passage_json(h.chunk), "language": h.chunk.language} for h in hits]

    # ---- library -----------------------------------------------------------------------

    @shown_to_user
    def library_state() -> tuple[Any, ...]:
        """The library as every session shows it: its table, its matrix and every list of
        Actions and countries to choose from (refreshed on page load, ingest and removal)."""
        actions = casebook.actions()
        picture = Image.open(io.BytesIO(matrix_png(actions, taxonomy, UI_LANG)))
        choices = [(f"{a.title} — {a.country} ({a.years})", a.id) for a in actions]
        return (
            action_rows(actions, taxonomy, UI_LANG),
            picture,
            gr.update(choices=choices, value=None),
            gr.update(choices=choices),
            gr.update(choices=countries()),
        )

    @shown_to_user
    def ingest(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 (Gradio injects it)
        rejected: dict[str, str] = {}
        stored: list[Path] = []
        for upload in files or []:
            name = Path(upload).name
            try:
                stored.append(store_upload(Path(upload), name, settings.home, rules))
            except UploadRejected as error:
                rejected[error.name] = error.reason
        report = ingester.run(
            lambda: casebook.ingest(stored, lambda done, total, name: progress((done, total), desc=name))
        )
        rows = report_rows(report, rejected)
        summary = f"{report.case_studies} case studies, {report.chunks} passages in the library."
        return (rows, summary, None, *library_state())

    @shown_to_user
    def remove(action_id: str | None) -> tuple[Any, ...]:
        if not action_id:
            raise gr.Error("Choose a case study to remove.")
        removed = casebook.library.remove(action_id)
        summary = f"Removed {action_id}." if removed else f"{action_id} is not in the library."
        return (summary, *library_state())

    @shown_to_user
    def actions_api() -> list[dict]:
        """The indexed case studies as JSON."""
        return [{**a.to_json(), "chunks": a.chunks} for a in casebook.actions()]

    def end_session(request: gr.Request) -> None:
        downloads.end_session(request.session_hash)

    # ---- quiz --------------------------------------------------------------------------

    @shown_to_user
    def quiz(
        action_ids: list[str] | None = None,
        criteria: list[int] | None = None,
        theme: str | None = None,
        sections: list[str] | None = None,
        n: float = 10,
        kinds: list[str] | None = None,
        language: str | None = None,
        seed: float | None = None,
        fmt: str = "gift",
        request: gr.Request | None = None,
    ) -> tuple[str, str]:
        """A quiz (preview in Markdown, and a file in `fmt`); every parameter is optional."""
        wanted = QuizRequest(
            action_ids=tuple(action_ids or ()),
            criteria=tuple(criteria or ()),
            theme=theme or None,
            sections=tuple(sections or ()),
            n=int(n),
            kinds=QUIZ_KINDS if kinds is None else tuple(kinds),
            language=language or None,
            seed=None if seed is None else int(seed),
        )
        items = build_quiz(casebook, wanted)
        text = export_quiz(items, fmt)
        path = (
            downloads.fresh_folder(request.session_hash if request else None, "quiz")
            / f"quiz{QUIZ_FORMATS[fmt]}"
        )
        path.write_text(text, encoding="utf-8")
        return export_quiz(items, "md"), str(path)

    # ---- layout ------------------------------------------------------------------------

    # Gradio keeps a copy of every file it serves: copies older than an hour go, checked hourly.
    with gr.Blocks(title="Casebook", analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        gr.Markdown("# Casebook\nQuestions and lessons learnt from the case-study library, with citations.")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                turns = gr.State([])
                with gr.Row():
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(elem_id="chatbot", height=460, label="Conversation")
                        question = gr.Textbox(
                            elem_id="question",
                            label="Question",
                            placeholder="Ask in French, English, Spanish or Portuguese",
                        )
                        with gr.Row():
                            ask_button = gr.Button("Ask", variant="primary", elem_id="ask-button")
                            clear_button = gr.Button("New conversation", elem_id="clear-button")
                        gr.Examples(EXAMPLES, inputs=[question], label="Examples")
                    with gr.Column(scale=2):
                        gr.Markdown("### Cited passage")
                        panel = gr.HTML(citations_panel([], taxonomy), elem_id="citations")
                chat_io: dict[str, Any] = {
                    "fn": chat,
                    "inputs": [question, chatbot, turns],
                    "outputs": [chatbot, panel, turns, question],
                }
                ask_button.click(**chat_io, api_name="chat")
                question.submit(**chat_io, api_visibility="private")
                clear_button.click(clear_chat, outputs=[chatbot, panel, turns], api_visibility="private")

            with gr.Tab("Lessons learnt", id="lessons"):
                with gr.Row():
                    query = gr.Textbox(label="Lessons about", elem_id="lessons-query", scale=3)
                    search_button = gr.Button("Search", variant="primary", elem_id="lessons-search", scale=1)
                with gr.Row():
                    criteria = gr.Dropdown(
                        criterion_choices, multiselect=True, label="Criteria", elem_id="lessons-criteria"
                    )
                    theme = gr.Dropdown(
                        theme_choices, value=None, label="Thematic area", elem_id="lessons-theme"
                    )
                    country = gr.Dropdown(
                        countries(),
                        multiselect=True,
                        allow_custom_value=True,  # any country of the library, also from the API
                        label="Country",
                        elem_id="lessons-country",
                    )
                with gr.Row():
                    # Text fields: a number field shows 0 until the user types, which reads as a year.
                    year_from = gr.Textbox(label="From year", placeholder="any", elem_id="lessons-from")
                    year_to = gr.Textbox(label="To year", placeholder="any", elem_id="lessons-to")
                    sections = gr.CheckboxGroup(
                        list(SECTION_KEYS),
                        value=list(DEFAULT_SECTIONS),
                        label="Sections",
                        elem_id="lessons-sections",
                    )
                    language = gr.Dropdown(
                        [
                            ("any", ""),
                            ("français", "fr"),
                            ("English", "en"),
                            ("español", "es"),
                            ("português", "pt"),
                        ],
                        value="",
                        label="Language",
                        elem_id="lessons-language",
                    )
                results = gr.HTML(elem_id="lessons-results")
                with gr.Row():
                    csv_file = gr.File(label="CSV", elem_id="lessons-csv")
                    md_file = gr.File(label="Markdown", elem_id="lessons-md")
                lesson_inputs = [query, criteria, theme, country, year_from, year_to, sections, language]
                search_button.click(lessons, lesson_inputs, [results, csv_file, md_file], api_name="lessons")
                query.submit(lessons, lesson_inputs, [results, csv_file, md_file], api_visibility="private")

            with gr.Tab("Library", id="library"):
                table = gr.Dataframe(
                    headers=ACTION_COLUMNS,
                    interactive=False,
                    elem_id="library-table",
                    wrap=True,
                    column_widths=["34%", "11%", "10%", "21%", "10%", "7%", "7%"],
                )
                matrix = gr.Image(type="pil", label="Criteria × Actions", elem_id="matrix", show_label=True)
                with gr.Row():
                    with gr.Column():
                        uploads = gr.File(
                            file_count="multiple",
                            label=f"Add case studies ({', '.join(rules.allowed_suffixes)}; ≤ {settings.web.max_upload_mb} MB)",
                            elem_id="upload",
                        )
                        ingest_button = gr.Button(
                            "Add to library", variant="primary", elem_id="ingest-button"
                        )
                    with gr.Column():
                        summary = gr.Markdown(elem_id="library-summary")
                        report = gr.Dataframe(
                            headers=REPORT_COLUMNS, interactive=False, elem_id="ingest-report"
                        )
                with gr.Row():
                    # Custom values: a client that never loaded the page may name any current Action.
                    to_remove = gr.Dropdown(
                        [], allow_custom_value=True, label="Case study to remove", elem_id="remove-choice"
                    )
                    remove_button = gr.Button("Remove", variant="stop", elem_id="remove-button")

            with gr.Tab("Quiz", id="quiz"):
                with gr.Row():
                    quiz_actions = gr.Dropdown(
                        [(f"{a.title} — {a.country} ({a.years})", a.id) for a in casebook.actions()],
                        multiselect=True,
                        allow_custom_value=True,  # Actions ingested since the page loaded, also from the API
                        label="Actions",
                        elem_id="quiz-actions",
                    )
                    quiz_criteria = gr.Dropdown(criterion_choices, multiselect=True, label="Criteria")
                    quiz_theme = gr.Dropdown(theme_choices, value=None, label="Thematic area")
                with gr.Row():
                    quiz_sections = gr.CheckboxGroup([*SECTION_KEYS, "criteria"], label="Sections")
                    quiz_kinds = gr.CheckboxGroup(
                        [(wording(f"kind_{kind}", UI_LANG), kind) for kind in QUIZ_KINDS],
                        value=list(QUIZ_KINDS),
                        label="Question kinds",
                    )
                with gr.Row():
                    quiz_n = gr.Number(10, label="Questions", precision=0, minimum=1, maximum=50)
                    quiz_language = gr.Dropdown(
                        [("as the source", ""), ("français", "fr"), ("English", "en"), ("español", "es")],
                        value="",
                        label="Language",
                    )
                    quiz_seed = gr.Number(1, label="Seed", precision=0)
                    quiz_format = gr.Dropdown(list(QUIZ_FORMATS), value="gift", label="Download format")
                    quiz_button = gr.Button("Make quiz", variant="primary", elem_id="quiz-button")
                quiz_preview = gr.Markdown(elem_id="quiz-preview")
                quiz_file = gr.File(label="Download", elem_id="quiz-file")
                quiz_button.click(
                    quiz,
                    [
                        quiz_actions,
                        quiz_criteria,
                        quiz_theme,
                        quiz_sections,
                        quiz_n,
                        quiz_kinds,
                        quiz_language,
                        quiz_seed,
                        quiz_format,
                    ],
                    [quiz_preview, quiz_file],
                    api_name="quiz",
                )

        library_outputs = [table, matrix, to_remove, quiz_actions, country]
        ingest_button.click(
            ingest,
            [uploads],
            [report, summary, uploads, *library_outputs],
            api_name="ingest",
            concurrency_limit=1,
        )
        remove_button.click(
            remove, [to_remove], [summary, *library_outputs], api_name="remove", concurrency_limit=1
        )
        demo.load(library_state, outputs=library_outputs, api_visibility="private")
        demo.unload(end_session)
        gr.api(ask_api, api_name="ask")
        gr.api(search_api, api_name="search")
        gr.api(actions_api, api_name="actions")
    return demo


def prepare(settings: Settings) -> Casebook:
    """The service with its library indexed (first start) and its models loaded (fast first answer)."""
    casebook = Casebook(settings)
    with tqdm(total=1, desc="indexing the bundled library", unit="file", disable=None) as bar:

        def progress(done: int, total: int, name: str) -> None:
            bar.total = total
            bar.n = done
            bar.set_postfix_str(name)
            bar.refresh()

        casebook.ensure_library(progress)
    casebook.warm_up()
    return casebook


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.load()
        with translated():
            auth = credentials(settings.web)  # a login file that cannot be read stops the start too
            casebook = prepare(settings)
    except CasebookError as error:
        raise SystemExit(f"casebook: {error}") from error
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", QUEUE_SUMMARY_EVERY)  # read by demo.queue()
    downloads, ingester = Downloads(), LowPriorityWorker()
    demo = build(casebook, downloads, ingester)
    demo.queue(default_concurrency_limit=settings.web.concurrency)
    demo.launch(
        server_name=settings.web.host,
        server_port=settings.web.port,
        auth=auth,
        max_file_size=settings.web.max_upload_bytes,
        footer_links=["api"],
        css=CSS,
        head=HEAD,
        allowed_paths=[str(downloads.root)],  # its own exports, nothing else of the machine's
    )
    ingester.close()
    downloads.close()


if __name__ == "__main__":
    main()
