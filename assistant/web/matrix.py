"""The criteria × Actions matrix as a PNG: which Action illustrates which good-practice criterion."""

from __future__ import annotations

import io
import textwrap

import matplotlib

matplotlib.use("Agg")  # no display on servers: render to memory only

import matplotlib.pyplot as plt

from assistant.library.records import ActionRecord
from ingest.taxonomy import Taxonomy

LABEL_WIDTH = 28


def criteria_matrix(actions: list[ActionRecord], taxonomy: Taxonomy) -> list[list[bool]]:
    """Rows: criteria in taxonomy order; columns: Actions in the given order."""
    return [[c.number in a.criteria for a in actions] for c in taxonomy.criteria]


def matrix_png(actions: list[ActionRecord], taxonomy: Taxonomy, lang: str = "en") -> bytes:
    """A grid with a filled square where an Action illustrates a criterion."""
    grid = criteria_matrix(actions, taxonomy)
    rows = [f"{c.number}. {taxonomy.criterion_label(c.number, lang)}" for c in taxonomy.criteria]
    columns = [textwrap.fill(f"{a.country} {a.years}", 16) for a in actions] or ["(no case study)"]
    width = 4.5 + 0.9 * max(len(columns), 1)
    fig, ax = plt.subplots(figsize=(width, 0.42 * len(rows) + 2.2), dpi=100)
    values = [[1.0 if cell else 0.0 for cell in row] or [0.0] for row in grid]
    ax.imshow(values, cmap="Blues", vmin=0, vmax=1.4, aspect="auto")
    ax.set_yticks(range(len(rows)), [textwrap.shorten(r, LABEL_WIDTH + 10) for r in rows], fontsize=8)
    ax.set_xticks(range(len(columns)), columns, fontsize=8, rotation=45, ha="right")
    for i, row in enumerate(grid):
        for j, cell in enumerate(row):
            if cell:
                ax.text(j, i, "✓", ha="center", va="center", color="white", fontsize=10)
    ax.set_xticks([x - 0.5 for x in range(1, len(columns))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(rows))], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    ax.set_title("Criteria × Actions", fontsize=10)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()
