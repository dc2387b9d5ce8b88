"""The web app's download folder: one folder per session, a new export replaces the previous
one, and a session's files go when it ends."""

from __future__ import annotations

from pathlib import Path

from assistant.web.downloads import Downloads


def test_a_new_export_replaces_the_session_s_previous_one(tmp_path: Path) -> None:
    downloads = Downloads(tmp_path / "downloads")
    first = downloads.fresh_folder("session-1", "quiz") / "quiz.gift"
    first.write_text("old", encoding="utf-8")
    second = downloads.fresh_folder("session-1", "quiz")
    assert not first.exists() and second.is_dir() and not any(second.iterdir())


def test_sessions_are_kept_apart_and_an_ended_session_leaves_nothing(tmp_path: Path) -> None:
    downloads = Downloads(tmp_path / "downloads")
    mine = downloads.fresh_folder("a", "lessons") / "lessons.csv"
    theirs = downloads.fresh_folder("b", "lessons") / "lessons.csv"
    mine.write_text("x", encoding="utf-8")
    theirs.write_text("y", encoding="utf-8")
    downloads.end_session("a")
    assert not mine.exists() and theirs.read_text(encoding="utf-8") == "y"
    assert downloads.fresh_folder("../../etc", "quiz").is_relative_to(downloads.root)
    downloads.close()
    assert not downloads.root.exists()
