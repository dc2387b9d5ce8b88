"""The language-model answer engine: prompts from `prompts/`, numbered passages, streaming.

Passages go into the prompt as data: numbered, each inside <passage> tags, all inside
<passages>, with any tag-like text in them neutralised so a document cannot close the block
and speak as the user. What the model writes is never trusted: `citation_check` checks it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from importlib.resources import files

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.answering.conversation import Turn
from assistant.answering.llm import complete, stream_text
from ingest.models import Chunk

PROMPTS = files("prompts")
LANGUAGE_NAMES = {"en": "English", "fr": "French (français)", "es": "Spanish (español)"}
HISTORY_TURNS = 3  # earlier turns shown to the model
HISTORY_CHARS = 600  # of each earlier answer


@lru_cache(maxsize=16)
def load_prompt(name: str, language: str | None = None) -> str:
    """prompts/<name>.<language>.txt when wording differs by language, else prompts/<name>.txt."""
    localised = PROMPTS / f"{name}.{language}.txt"
    path = localised if language and localised.is_file() else PROMPTS / f"{name}.txt"
    return path.read_text(encoding="utf-8")


def format_passages(passages: Sequence[Chunk]) -> str:
    return "\n".join(
        f'<passage n="{n}" action="{_attr(c.action)}" country="{_attr(c.country)}" '
        f'years="{c.years}" section="{c.section}">\n{_as_data(c.text)}\n</passage>'
        for n, c in enumerate(passages, 1)
    )


def format_conversation(history: Sequence[Turn]) -> str:
    lines = []
    for user, assistant in history[-HISTORY_TURNS:]:
        lines.append(f"User: {user.strip()}")
        lines.append(f"Assistant: {_shorten(assistant.strip())}")
    return "\n".join(lines)


def answer_messages(
    question: str, passages: Sequence[Chunk], language: str, history: Sequence[Turn] = ()
) -> list[BaseMessage]:
    name = LANGUAGE_NAMES.get(language, language)
    conversation = format_conversation(history)
    user = load_prompt("answer", language).format(
        passages=format_passages(passages),
        conversation=f"Earlier in this conversation:\n{conversation}\n\n" if conversation else "",
        question=question.strip(),
        language=name,
    )
    return [SystemMessage(load_prompt("answer_system", language).format(language=name)), HumanMessage(user)]


def condense_messages(question: str, history: Sequence[Turn], language: str) -> list[BaseMessage]:
    prompt = load_prompt("condense", language).format(
        conversation=format_conversation(history),
        question=question.strip(),
        language=LANGUAGE_NAMES.get(language, language),
    )
    return [HumanMessage(prompt)]


class GenerativeAnswerer:
    """Asks a chat model; every call is bounded by `timeout` seconds (LLMError past it)."""

    def __init__(self, model: BaseChatModel, timeout: float) -> None:
        self.model = model
        self.timeout = timeout

    def stream(
        self, question: str, passages: Sequence[Chunk], language: str, history: Sequence[Turn] = ()
    ) -> Iterator[str]:
        return stream_text(self.model, answer_messages(question, passages, language, history), self.timeout)

    def condense(self, question: str, history: Sequence[Turn], language: str) -> str:
        """A standalone version of a follow-up question; the question itself if the model is unusable."""
        text = complete(self.model, condense_messages(question, history, language), self.timeout)
        line = next((ln.strip() for ln in text.strip().splitlines() if ln.strip()), "")
        # Tiny models ramble or echo the prompt: keep a rewrite only if it is question-sized.
        return line if 0 < len(line) <= 4 * max(len(question), 60) else question


def _as_data(text: str) -> str:
    """Passage text that cannot open or close a tag of the prompt."""
    return text.replace("<", "‹").replace(">", "›")


def _attr(text: str) -> str:
    return _as_data(text).replace('"', "'")


def _shorten(text: str) -> str:
    return text if len(text) <= HISTORY_CHARS else text[:HISTORY_CHARS].rsplit(" ", 1)[0] + " …"
