"""Quiz exporters: Moodle GIFT, Moodle XML, Markdown for print, CSV and JSON.

Each takes the items `build_quiz` made and returns the file's text, in one of the formats of
`QUIZ_FORMATS` (`formats.py`).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence

from assistant.quiz.formats import QUIZ_FORMATS
from assistant.quiz.models import QuizError, QuizItem, wording

CSV_COLUMNS = (
    "number",
    "kind",
    "question",
    "choices",
    "answer",
    "explanation",
    "action",
    "country",
    "years",
    "section",
    "criteria",
    "source",
    "page",
    "text",
)
_GIFT_SPECIALS = re.compile(r"([\\~=#{}:])")
_LETTERS = "ABCDEFGHIJ"


def export_quiz(items: Sequence[QuizItem], fmt: str) -> str:
    """The quiz as text in format `fmt` (a key of `QUIZ_FORMATS`)."""
    exporters: dict[str, Callable[[Sequence[QuizItem]], str]] = {
        "gift": to_gift,
        "moodle-xml": to_moodle_xml,
        "md": to_markdown,
        "csv": to_csv,
        "json": to_json,
    }
    if fmt not in exporters:
        raise QuizError(f"unknown quiz format {fmt!r}; choose one of {', '.join(QUIZ_FORMATS)}")
    return exporters[fmt](items)


def source_line(item: QuizItem) -> str:
    """ "Action (country, years), section, file p.N" — the citation in one line."""
    c = item.citation
    criteria = ",".join(map(str, c.criteria)) or "-"
    return f"{c.action} ({c.country}, {c.years}), {c.section}, criteria {criteria}, {c.source} p.{c.page}"


def _passage_unless_quoted(item: QuizItem) -> str:
    """': "passage"' for a citation line, unless the explanation already quotes the passage."""
    passage = _one_line(item.citation.text)
    return "" if passage in _one_line(item.explanation) else f': "{passage}"'


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ---- GIFT ---------------------------------------------------------------------------------


def gift_escape(text: str) -> str:
    """Text safe inside GIFT: `~ = # { } :` and backslash escaped, on one line."""
    return _GIFT_SPECIALS.sub(r"\\\1", _one_line(text))


def to_gift(items: Sequence[QuizItem]) -> str:
    lines: list[str] = []
    category = None
    for item in items:
        if item.category != category:
            category = item.category
            lines += [f"$CATEGORY: {_one_line(category)}", ""]
        lines += [_gift_question(item), ""]
    return "\n".join(lines)


def _gift_question(item: QuizItem) -> str:
    feedback = f"{item.explanation} — {source_line(item)}{_passage_unless_quoted(item)}"
    head = f"::{gift_escape(item.title)}::{gift_escape(item.question)}"
    if item.kind == "mcq":
        options = [f"{'=' if c == item.answer else '~'}{gift_escape(c)}" for c in item.choices]
    elif item.kind == "tf":
        options = ["TRUE" if item.correct else "FALSE"]
    else:
        options = [f"={gift_escape(a)}" for a in item.answers]
    body = "\n".join(f"\t{o}" for o in options)
    return f"{head} {{\n{body}\n\t####{gift_escape(feedback)}\n}}"


# ---- Moodle XML ---------------------------------------------------------------------------

_MOODLE_TYPES = {"mcq": "multichoice", "tf": "truefalse", "short": "shortanswer"}


def to_moodle_xml(items: Sequence[QuizItem]) -> str:
    quiz = ET.Element("quiz")
    category = None
    for item in items:
        if item.category != category:
            category = item.category
            question = ET.SubElement(quiz, "question", type="category")
            _text(ET.SubElement(question, "category"), f"$course$/{category}")
        quiz.append(_moodle_question(item))
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"


def _moodle_question(item: QuizItem) -> ET.Element:
    question = ET.Element("question", type=_MOODLE_TYPES[item.kind])
    _text(ET.SubElement(question, "name"), item.title)
    _html(ET.SubElement(question, "questiontext"), item.question)
    feedback = (
        f"{html.escape(item.explanation)}<br/><i>{html.escape(source_line(item))}</i>"
        f"{html.escape(_passage_unless_quoted(item))}"
    )
    _text(ET.SubElement(question, "generalfeedback", format="html"), feedback)
    ET.SubElement(question, "defaultgrade").text = "1"
    ET.SubElement(question, "penalty").text = "0.3333333" if item.kind == "mcq" else "1"
    ET.SubElement(question, "hidden").text = "0"
    if item.kind == "mcq":
        ET.SubElement(question, "single").text = "true"
        ET.SubElement(question, "shuffleanswers").text = "true"
        ET.SubElement(question, "answernumbering").text = "abc"
        for choice in item.choices:
            _answer(question, 100 if choice == item.answer else 0, choice, html_format=True)
    elif item.kind == "tf":
        _answer(question, 100 if item.correct else 0, "true")
        _answer(question, 0 if item.correct else 100, "false")
    else:
        ET.SubElement(question, "usecase").text = "0"
        for accepted in item.answers:
            _answer(question, 100, accepted)
    return question


def _text(parent: ET.Element, value: str) -> None:
    ET.SubElement(parent, "text").text = value


def _html(parent: ET.Element, value: str) -> None:
    parent.set("format", "html")
    _text(parent, html.escape(value))


def _answer(question: ET.Element, fraction: int, value: str, html_format: bool = False) -> None:
    answer = ET.SubElement(question, "answer", fraction=str(fraction))
    answer.set("format", "html" if html_format else "moodle_auto_format")
    _text(answer, html.escape(value) if html_format else value)
    _text(ET.SubElement(answer, "feedback", format="html"), "")


# ---- Markdown, CSV, JSON ------------------------------------------------------------------


def to_markdown(items: Sequence[QuizItem]) -> str:
    lang = items[0].language if items else "en"
    lines = [f"# {wording('quiz_title', lang)}", ""]
    for number, item in enumerate(items, 1):
        lines.append(f"{number}. {item.question}")
        if item.kind == "short":
            lines.append("   ______________________")
        for letter, choice in zip(_LETTERS, item.choices, strict=False):
            lines.append(f"   - {letter}. {choice}")
        lines.append("")
    lines += [f"## {wording('answer_key', lang)}", ""]
    for number, item in enumerate(items, 1):
        lines.append(f"{number}. **{_key(item)}** — {item.explanation}")
        lines.append(f"   - *{wording('source', item.language)}:* {source_line(item)}")
        lines.append(f"   > {_one_line(item.citation.text)}")
        lines.append("")
    return "\n".join(lines)


def _key(item: QuizItem) -> str:
    if item.kind == "short":
        return f"{wording('accepted', item.language)}: " + " / ".join(item.answers)
    letter = _LETTERS[item.choices.index(item.answer)] if isinstance(item.answer, str) else ""
    return f"{letter}. {item.answer}"


def to_csv(items: Sequence[QuizItem]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for number, item in enumerate(items, 1):
        c = item.citation
        writer.writerow(
            [
                number,
                item.kind,
                item.question,
                " | ".join(item.choices),
                " | ".join(item.answers),
                item.explanation,
                c.action,
                c.country,
                c.years,
                c.section,
                ",".join(map(str, c.criteria)),
                c.source,
                c.page,
                c.text,
            ]
        )
    return out.getvalue()


def to_json(items: Sequence[QuizItem]) -> str:
    return json.dumps([item.to_json() for item in items], ensure_ascii=False, indent=2) + "\n"
