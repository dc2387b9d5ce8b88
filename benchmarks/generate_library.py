"""Make a larger library for benchmarks from the real and synthetic case studies in shared/corpus.

Each generated file is a copy of one source case study with a new country, new years and a
title suffix (so it parses as a distinct Action) and its prose paragraphs shuffled within each
section. Every file starts with GENERATED_MARK: these are not real case studies.

Run: .venv/bin/python benchmarks/generate_library.py OUT_DIR --files N [--seed S]
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

import pycountry

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
GENERATED_MARK = "[Generated benchmark file — not a real case study]"
ANCHOR = re.compile(
    r"^(?P<country>[^\W\d_][^()\d]{0,60}?)\s*\((?P<start>\d{4})\s*[-–]\s*(?P<end>\d{4})\)\s*$"
)
SUFFIXES = "ALPHA BRAVO CHARLIE DELTA ECHO FOXTROT GOLF HOTEL INDIA JULIET KILO LIMA MIKE".split()
PROSE = 200  # blocks at least this long are paragraphs that may move; shorter ones (headings) stay


def source_files(corpus: Path = CORPUS) -> list[Path]:
    """The real case study and the synthetic ones, in a stable order."""
    return sorted(corpus.glob("*.txt")) + sorted((corpus / "synthetic").glob("*.txt"))


def country_names() -> list[str]:
    """Country names the case-study parser accepts in an anchor line (letters and spaces only)."""
    names = (c.name for c in pycountry.countries)
    return sorted(n for n in names if re.fullmatch(r"[^\W\d_][^\W\d_ '.-]*(?: [^\W\d_]+)*", n))


def variant(text: str, index: int, rng: random.Random, countries: list[str]) -> str:
    """`text` with a new country, years and title suffix, and shuffled paragraphs."""
    lines = text.splitlines()
    anchor = next(i for i, line in enumerate(lines) if ANCHOR.match(line.strip()))
    start = 1995 + rng.randrange(28)
    country = countries[index % len(countries)]
    suffix = f"{SUFFIXES[index % len(SUFFIXES)]} {_roman(index // len(SUFFIXES) + 1)}"
    title_end = _previous_text_line(lines, anchor)
    lines[title_end] = f"{lines[title_end].rstrip()} — {suffix}"
    lines[anchor] = f"{country} ({start}-{start + rng.randrange(2, 5)})"
    head, body = "\n".join(lines[: anchor + 1]), "\n".join(lines[anchor + 1 :])
    return f"{GENERATED_MARK}\n{head}\n{shuffle_paragraphs(body, rng)}\n"


def shuffle_paragraphs(body: str, rng: random.Random) -> str:
    """Prose blocks shuffled among themselves between two short blocks (headings stay in place)."""
    blocks = re.split(r"\n\s*\n", body)
    out: list[str] = []
    run: list[str] = []
    for block in blocks:
        if len(block) >= PROSE:
            run.append(block)
            continue
        rng.shuffle(run)
        out.extend(run)
        out.append(block)
        run = []
    rng.shuffle(run)
    out.extend(run)
    return "\n\n".join(out)


def generate(out: Path, files: int, seed: int = 0) -> list[Path]:
    """`files` generated case studies in `out`, cycling through the sources."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    sources = [(p, p.read_text(encoding="utf-8")) for p in source_files()]
    countries = country_names()
    written = []
    for index in range(files):
        path, text = sources[index % len(sources)]
        target = out / f"generated_{index:05d}_{path.name}"
        target.write_text(variant(text, index, rng, countries), encoding="utf-8")
        written.append(target)
    return written


def _previous_text_line(lines: list[str], anchor: int) -> int:
    return next(i for i in range(anchor - 1, -1, -1) if lines[i].strip())


def _roman(n: int) -> str:
    numerals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC")]
    numerals += [(50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    result = ""
    for value, numeral in numerals:
        count, n = divmod(n, value)
        result += numeral * count
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    written = generate(args.out, args.files, args.seed)
    print(f"{len(written)} generated files in {args.out}")


if __name__ == "__main__":
    main()
