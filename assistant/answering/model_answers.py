"""The language model's answer: its sentences reach the user as they come, each once its
citations are checked against the passages (`citation_check`); when the model fails, or keeps
no citation that holds, the extractive answer replaces it with a notice saying why."""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Sequence
from dataclasses import replace

from assistant.answering.answers import Answer, AnswerMode, pieces
from assistant.answering.citation_check import CitationCheck, SupportMeter, checked_stream
from assistant.answering.generative import GenerativeAnswerer
from assistant.answering.llm import LLMError
from assistant.answering.messages import message
from assistant.answering.request import AskRequest
from ingest.models import Chunk

log = logging.getLogger(__name__)


class ModelAnswers:
    """`model` gives the language model, built on first use (`LLMError` if it cannot be)."""

    def __init__(self, model: Callable[[], GenerativeAnswerer], meter: SupportMeter) -> None:
        self._model = model
        self._meter = meter

    def answer(
        self,
        request: AskRequest,
        language: str,
        passages: Sequence[Chunk],
        extractive: Callable[[], Answer],
    ) -> Generator[str, None, Answer]:
        """Checked sentences of the model's answer to `request` from `passages`, as they come;
        returns the final Answer. `extractive` makes the answer that replaces a failed one (its
        text is then streamed as it stands, for nothing of the model's was shown)."""
        check = CitationCheck(passages, self._meter)
        try:
            model_text = self._model().stream(request.question, passages, language, request.history)
            yield from checked_stream(model_text, check)
        except LLMError as error:
            log.warning("language model unavailable: %s", error)
            notice = message("llm_unavailable", language, error=error)
            if check.kept:  # sentences already shown stay, checked
                return replace(self._checked(request, language, check), notice=notice)
            return (yield from _fallback(extractive, notice))
        log.info(
            "model answer checked: %d sentences kept, %d dropped, invalid markers %s",
            len(check.kept),
            len(check.unsupported),
            check.invalid_markers,
        )
        if not check.valid:
            answer = yield from _fallback(extractive, message("llm_unsupported", language))
            return replace(answer, unsupported=check.unsupported)
        return self._checked(request, language, check)

    @staticmethod
    def _checked(request: AskRequest, language: str, check: CitationCheck) -> Answer:
        return Answer(
            question=request.question,
            answer=check.answer_text(),
            abstained=False,
            mode=AnswerMode.LLM,
            language=language,
            citations=check.citations(),
            unsupported=check.unsupported,
        )


def _fallback(extractive: Callable[[], Answer], notice: str) -> Generator[str, None, Answer]:
    answer = replace(extractive(), mode=AnswerMode.EXTRACTIVE_FALLBACK, notice=notice)
    yield from pieces(answer.answer)
    return answer
