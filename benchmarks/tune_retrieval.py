"""Retrieval tuning on a question set: hit@1 / hit@5 for fusion weights, same vs cross-lingual.

A hit: every `expect_any` group of the question is in the first 1 / 5 passages returned by
`Casebook.search` (no scoping by the Actions the question names: this measures the retriever).

Run: .venv/bin/python benchmarks/tune_retrieval.py QUESTIONS.jsonl --home INDEX_DIR [--embedding NAME]
     [--weights "same,cross" ...]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.evaluation.scoring import all_groups_found, load_questions
from assistant.service import Casebook
from assistant.settings import Settings
from ingest.models import SECTION_KEYS
from vectorstore.filters import SearchFilters


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("questions", type=Path)
    parser.add_argument("--home", type=Path, required=True, help="an index already built (casebook ingest)")
    parser.add_argument("--embedding", default=Settings().embedding_model)
    parser.add_argument("--weights", nargs="+", default=["0,0", "0.3,0.1", "0.5,0.2", "1,0.3", "1,1"])
    args = parser.parse_args()
    base = Settings(home=args.home, embedding_model=args.embedding)
    questions = [q for q in load_questions(args.questions) if q.answerable and q.kind != "criteria"]
    text_sections = SearchFilters(sections=SECTION_KEYS)
    print("| lexical same,cross | hit@1 same | hit@5 same | hit@1 cross | hit@5 cross |")
    print("|---|---|---|---|---|")
    for pair in args.weights:
        same, cross = (float(x) for x in pair.split(","))
        retrieval = base.retrieval.model_copy(
            update={"lexical_weight_same": same, "lexical_weight_cross": cross}
        )
        casebook = Casebook(base.model_copy(update={"retrieval": retrieval}))
        languages = {a.source: a.language for a in casebook.actions()}
        hits = {(k, x): 0 for k in (1, 5) for x in (0, 1)}
        totals = [0, 0]
        for q in questions:
            cross_lingual = int(any(languages.get(d) != q.lang for d in q.doc))
            totals[cross_lingual] += 1
            results = casebook.search(q.question, k=5, filters=text_sections)
            for k in (1, 5):
                text = " ".join(r.chunk.text for r in results[:k])
                hits[(k, cross_lingual)] += all_groups_found(text, q.expect_any)
        print(
            f"| {pair} | {hits[(1, 0)]}/{totals[0]} | {hits[(5, 0)]}/{totals[0]} | "
            f"{hits[(1, 1)]}/{totals[1]} | {hits[(5, 1)]}/{totals[1]} |"
        )


if __name__ == "__main__":
    main()
