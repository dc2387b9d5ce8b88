"""What the web app shows, as escaped HTML/Markdown: answers whose `[n]` markers link to passage
cards, and passage cards with the supporting sentence highlighted.

Every piece of document or user text goes through `html.escape` before it is placed in markup,
so a case study or a question can never inject HTML or script into the page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from assistant.answering.answers import Answer, Citation
from assistant.answering.lessons import ActionGroup
from ingest.models import Chunk
from ingest.taxonomy import Taxonomy

_MARKER = re.compile(r"\[(\d{1,3})\]")

LABELS = {
    "fr": {"section": "Section", "criteria": "Critères", "page": "Page", "source": "Source", "none": "—"},
    "en": {"section": "Section", "criteria": "Criteria", "page": "Page", "source": "Source", "none": "—"},
    "es": {"section": "Sección", "criteria": "Criterios", "page": "Página", "source": "Fuente", "none": "—"},
}
NEAREST_TITLE = {
    "fr": "Passages les plus proches :",
    "en": "Nearest passages:",
    "es": "Pasajes más cercanos:",
}


def anchor(turn: int, n: int) -> str:
    """The id of citation `n` of chat turn `turn` (unique across the conversation)."""
    return f"cite-{turn}-{n}"


def highlight(text: str, quote: str) -> str:
    """`text` escaped, with `quote` (whitespace-insensitive) wrapped in <mark> where it occurs."""
    quote = quote.strip()
    if not quote:
        return html.escape(text)
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    match = re.search(pattern, text)
    if match is None:
        return html.escape(text)
    start, end = match.span()
    return (
        html.escape(text[:start])
        + "<mark>"
        + html.escape(text[start:end])
        + "</mark>"
        + html.escape(text[end:])
    )


def passage_card(chunk: Chunk, quote: str, taxonomy: Taxonomy, lang: str, *, card_id: str = "") -> str:
    """A passage with its Action, country, years, section, criteria, page, source; quote marked."""
    words = LABELS.get(lang, LABELS["en"])
    criteria = "; ".join(f"{n}. {taxonomy.criterion_label(n, lang)}" for n in chunk.criteria) or words["none"]
    id_attr = f' id="{html.escape(card_id)}"' if card_id else ""
    return (
        f'<div class="passage-card"{id_attr}>'
        f'<div class="passage-action">{html.escape(chunk.action)}</div>'
        f'<div class="passage-meta">{html.escape(chunk.country)} ({html.escape(chunk.years)})'
        f" · {words['section']}: {html.escape(chunk.section)}"
        f" · {words['page']} {chunk.page} · {words['source']}: {html.escape(chunk.source)}</div>"
        f'<div class="passage-criteria">{words["criteria"]}: {html.escape(criteria)}</div>'
        f'<div class="passage-text">{highlight(chunk.text, quote)}</div>'
        "</div>"
    )


def answer_markdown(answer: Answer, turn: int) -> str:
    """The answer text for the chat, `[n]` turned into links to the turn's citation cards."""
    text = html.escape(answer.answer, quote=False)
    known = {c.n for c in answer.citations}

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return f"[[{n}]](#{anchor(turn, n)})" if n in known else match.group(0)

    body = _MARKER.sub(link, text)
    if answer.notice:
        body = f"*{html.escape(answer.notice, quote=False)}*\n\n{body}"
    if answer.abstained and answer.nearest:
        title = NEAREST_TITLE.get(answer.language, NEAREST_TITLE["en"])
        items = " ".join(
            f"[[{c.n}]](#{anchor(turn, c.n)}) {html.escape(c.chunk.action, quote=False)}"
            for c in answer.nearest
        )
        body += f"\n\n{title} {items}"
    return body


def shown_citations(answer: Answer) -> list[Citation]:
    """The citations a turn links to: its citations, or the nearest passages when it abstained."""
    return list(answer.citations) if answer.citations else list(answer.nearest)


def citations_panel(turns: Sequence[Answer], taxonomy: Taxonomy) -> str:
    """All turns' citation cards; the latest turn's first card is shown until a marker is clicked."""
    cards: list[str] = []
    latest = len(turns) - 1
    for turn, answer in enumerate(turns):
        for i, citation in enumerate(shown_citations(answer)):
            card = passage_card(
                citation.chunk, citation.quote, taxonomy, answer.language, card_id=anchor(turn, citation.n)
            )
            selected = " selected" if turn == latest and i == 0 else ""
            cards.append(
                f'<div class="cite-slot{selected}" data-anchor="{anchor(turn, citation.n)}">{card}</div>'
            )
    return f'<div id="cite-panel">{"".join(cards)}</div>'


NO_RESULTS = "<p class='no-results'>No passage matches these filters.</p>"


def lesson_groups_html(groups: Sequence[ActionGroup], taxonomy: Taxonomy, lang: str) -> str:
    """Lessons-search results: one block per Action, its passages with the best sentence marked."""
    if not groups:
        return NO_RESULTS
    blocks = []
    for group in groups:
        cards = "".join(passage_card(h.chunk, h.sentence, taxonomy, lang) for h in group.hits)
        blocks.append(
            '<section class="lesson-group">'
            f"<h3>{html.escape(group.title)} — {html.escape(group.country)} ({html.escape(group.years)})"
            f" · {len(group.hits)}</h3>{cards}</section>"
        )
    return "".join(blocks)
