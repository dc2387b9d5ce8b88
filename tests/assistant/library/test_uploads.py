from pathlib import Path

import pytest

from assistant.library.uploads import UploadRejected, UploadRules, check_upload, safe_name, store_upload

RULES = UploadRules(allowed_suffixes=(".pdf", ".docx", ".txt", ".md"), max_bytes=1000)


def test_path_traversal_in_a_file_name_cannot_leave_the_upload_folder(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("text")
    home = tmp_path / "home"
    stored = store_upload(source, "../../x.txt", home, RULES)
    assert stored == (home / "uploads" / "x.txt").resolve()
    assert not (tmp_path / "x.txt").exists()


def test_windows_separators_and_odd_characters_are_stripped_from_names() -> None:
    assert safe_name("..\\..\\evil name<script>.md") == "evil_name_script_.md"
    assert safe_name("Étude de cas – Jordanie.pdf") == "Etude_de_cas_Jordanie.pdf"
    assert safe_name("../..") == "upload"


def test_a_disallowed_suffix_is_rejected_with_the_allowed_list(tmp_path: Path) -> None:
    path = tmp_path / "run.exe"
    path.write_bytes(b"MZ")
    with pytest.raises(
        UploadRejected, match=r"\.exe is not accepted \(allowed: \.pdf, \.docx, \.txt, \.md\)"
    ):
        check_upload(path, "run.exe", RULES)


def test_a_file_over_the_size_limit_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 1001)
    with pytest.raises(UploadRejected, match="over the"):
        check_upload(path, "big.txt", RULES)


def test_suffix_check_ignores_case(tmp_path: Path) -> None:
    path = tmp_path / "CASE.PDF"
    path.write_bytes(b"%PDF")
    check_upload(path, "CASE.PDF", RULES)
