"""The cache folder: derived once, read back after, derived again when damaged or not writable."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.cache import cache_folder, cache_path, cached_json


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "casebook"


def test_cache_folder_follows_xdg_cache_home(cache_home: Path) -> None:
    assert cache_folder() == cache_home


def test_data_is_derived_once_then_read_back() -> None:
    calls: list[int] = []

    def derive() -> dict[str, str]:
        calls.append(1)
        return {"praia": "CV"}

    assert cached_json("kind", ["v1"], derive) == {"praia": "CV"}
    assert cached_json("kind", ["v1"], derive) == {"praia": "CV"}
    assert len(calls) == 1


def test_other_sources_make_another_file_and_the_older_one_goes(cache_home: Path) -> None:
    cached_json("kind", ["v1"], lambda: [1])
    cached_json("kind", ["v2"], lambda: [2])
    assert [p.name for p in cache_home.iterdir()] == [cache_path("kind", ".json", ["v2"]).name]


def test_a_source_file_is_keyed_by_its_contents(tmp_path: Path) -> None:
    source = tmp_path / "source.txt"
    source.write_text("one")
    before = cache_path("kind", ".json", [source])
    source.write_text("two")
    assert cache_path("kind", ".json", [source]) != before


def test_a_damaged_file_is_derived_again() -> None:
    path = cache_path("kind", ".json", ["v1"])
    path.parent.mkdir(parents=True)
    path.write_text('{"half": ')
    assert cached_json("kind", ["v1"], lambda: {"whole": 1}) == {"whole": 1}
    assert cached_json("kind", ["v1"], lambda: {"other": 2}) == {"whole": 1}


def test_a_folder_that_cannot_be_written_still_gives_the_data(cache_home: Path) -> None:
    cache_home.parent.mkdir(exist_ok=True)
    cache_home.write_text("a file where the folder should be")
    assert cached_json("kind", ["v1"], lambda: {"praia": "CV"}) == {"praia": "CV"}
