"""The language model's answer and its fallbacks, with LangChain's fake chat model and fake
embeddings: what the user is shown always joins into the final answer's text."""

from __future__ import annotations

from collections.abc import Generator

from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.answering.answers import Answer, AnswerMode
from assistant.answering.citation_check import SupportMeter
from assistant.answering.generative import GenerativeAnswerer
from assistant.answering.llm import LLMError
from assistant.answering.model_answers import ModelAnswers
from assistant.answering.request import AskRequest
from assistant.settings import SupportConfig

REQUEST = AskRequest.of("How many refugees?", max_chars=2000)
EXTRACTIVE = Answer(
    question=REQUEST.question,
    answer="655,000 refugees were counted [1]. Shelters opened [2].",
    abstained=False,
    mode=AnswerMode.EXTRACTIVE,
    language="en",
)
METER = SupportMeter(DeterministicFakeEmbedding(size=16), SupportConfig())


def _drain(stream: Generator[str, None, Answer]) -> tuple[list[str], Answer]:
    shown: list[str] = []
    while True:
        try:
            shown.append(next(stream))
        except StopIteration as done:
            return shown, done.value


def test_a_model_that_cannot_be_built_gives_the_extractive_answer_with_a_notice() -> None:
    def unbuildable() -> GenerativeAnswerer:
        raise LLMError("no language model configured")

    shown, answer = _drain(ModelAnswers(unbuildable, METER).answer(REQUEST, "en", [], lambda: EXTRACTIVE))
    assert answer.mode is AnswerMode.EXTRACTIVE_FALLBACK and answer.notice
    assert "".join(shown) == answer.answer == EXTRACTIVE.answer


def test_a_model_answer_with_no_supported_sentence_is_replaced_and_reported() -> None:
    model = GenerativeAnswerer(FakeListChatModel(responses=["It is so."]), timeout=10)
    shown, answer = _drain(ModelAnswers(lambda: model, METER).answer(REQUEST, "en", [], lambda: EXTRACTIVE))
    assert answer.mode is AnswerMode.EXTRACTIVE_FALLBACK and answer.unsupported == ["It is so."]
    assert "".join(shown) == answer.answer == EXTRACTIVE.answer
