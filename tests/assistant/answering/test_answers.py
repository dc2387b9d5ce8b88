import dataclasses
import json

import pytest

from assistant.answering.answers import Answer, AnswerMode


def _answer(mode: AnswerMode) -> Answer:
    return Answer(question="q", answer="a [1]", abstained=False, mode=mode, language="en")


@pytest.mark.parametrize("mode", list(AnswerMode))
def test_every_answer_mode_is_written_as_its_plain_string_in_json(mode: AnswerMode) -> None:
    assert json.loads(json.dumps(_answer(mode).to_json()))["mode"] == mode.value


def test_the_documented_modes_include_the_baseline_and_the_fallback() -> None:
    assert {m.value for m in AnswerMode} == {
        "extractive",
        "metadata",
        "llm",
        "extractive-fallback",
        "baseline",
    }


def test_an_answer_cannot_be_changed_once_made() -> None:
    answer = _answer(AnswerMode.EXTRACTIVE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        answer.notice = "changed"
    assert dataclasses.replace(answer, notice="new").notice == "new" and answer.notice is None
