from assistant.library.index import FailedFile, IngestReport
from assistant.web.library_view import report_rows


def test_report_lists_each_file_with_replaced_for_updated_and_failure_reasons() -> None:
    report = IngestReport(
        files={"a.txt": "added", "b.txt": "updated", "c.txt": "unchanged", "d.pdf": "failed"},
        failed=[FailedFile("d.pdf", "not a readable PDF")],
    )
    rows = report_rows(report, {"e.exe": "type .exe is not accepted"})
    assert rows == [
        ["a.txt", "added", ""],
        ["b.txt", "replaced", ""],
        ["c.txt", "unchanged", ""],
        ["d.pdf", "failed", "not a readable PDF"],
        ["e.exe", "failed", "type .exe is not accepted"],
    ]
