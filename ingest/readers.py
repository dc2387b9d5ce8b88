"""Readers that turn a PDF, DOCX, TXT or Markdown file into page texts (`RawDocument`).

Page splitting lives here, so the parser always receives pages:
- PDF: one page per PDF page (its text layer);
- DOCX: a single page (Word files carry no reliable page breaks);
- TXT: pages split on form feeds when the file has any; otherwise on the layout left by
  PDF-to-text extraction, where the first line of each page starts with exactly one space.
  A page needs at least two lines before such a line starts a new one, so a note added
  in front of the extracted text stays on page 1;
- Markdown: a single page (or form-feed pages), with `#` heading markers and list markers
  turned into plain lines and bullets.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import UnreadableFileError
from ingest.units import MB

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".txt", ".md")
_MAX_CONTROL_RATIO = 0.01  # more control characters than this means binary, not text
_PAGE_START = re.compile(r"^ \S")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_MD_BULLET = re.compile(r"^\s{0,3}[-*+]\s+")


@dataclass(frozen=True)
class RawDocument:
    """A file's text before any parsing: page 1 first."""

    source: str  # file name
    pages: list[str]


def read_document(path: Path, max_bytes: int | None = None) -> RawDocument:
    """Read `path` into pages; raise UnreadableFileError with a clear reason when that fails."""
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        expected = ", ".join(SUPPORTED_SUFFIXES)
        raise UnreadableFileError(path, f"unsupported file type '{path.suffix}' (expected {expected})")
    _check_size(path, max_bytes)
    pages = reader(path)
    if not any(page.strip() for page in pages):
        raise UnreadableFileError(path, "the file contains no text")
    log.debug("read %s: %d page(s)", path.name, len(pages))
    return RawDocument(source=path.name, pages=pages)


def _check_size(path: Path, max_bytes: int | None) -> None:
    try:
        size = path.stat().st_size
    except OSError as error:
        raise UnreadableFileError(path, f"cannot open the file ({error.strerror or error})") from error
    if size == 0:
        raise UnreadableFileError(path, "the file is empty")
    if max_bytes is not None and size > max_bytes:
        raise UnreadableFileError(path, f"file is larger than the {max_bytes / MB:g} MB limit")


def _decode_text(path: Path) -> str:
    data = path.read_bytes()
    controls = sum(1 for byte in data if byte < 32 and byte not in (9, 10, 12, 13))
    if b"\x00" in data or controls > _MAX_CONTROL_RATIO * len(data):
        raise UnreadableFileError(path, "binary content, not a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFileError(path, "not valid UTF-8 text (try saving as UTF-8)") from error
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_layout_pages(text: str) -> list[str]:
    """Pages of extracted text whose page-first lines start with a single space (see module doc)."""
    pages: list[list[str]] = [[]]
    for line in text.split("\n"):
        if _PAGE_START.match(line) and sum(1 for kept in pages[-1] if kept.strip()) >= 2:
            pages.append([])
        pages[-1].append(line)
    return ["\n".join(lines) for lines in pages]


def _read_txt(path: Path) -> list[str]:
    text = _decode_text(path)
    return text.split("\f") if "\f" in text else split_layout_pages(text)


def _markdown_line(line: str) -> str:
    heading = _MD_HEADING.match(line)
    if heading:
        return heading.group(1)
    return _MD_BULLET.sub("• ", line)


def _read_md(path: Path) -> list[str]:
    pages = _decode_text(path).split("\f")
    return ["\n".join(_markdown_line(line) for line in page.split("\n")) for page in pages]


def _read_pdf(path: Path) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path, strict=True)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFileError(path, "the PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
    except UnreadableFileError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        raise UnreadableFileError(path, f"corrupt PDF: {error}") from error
    except NotImplementedError as error:  # e.g. an encryption scheme pypdf cannot open
        raise UnreadableFileError(path, "the PDF is encrypted") from error
    if not any(page.strip() for page in pages):
        raise UnreadableFileError(path, "no text layer (scanned PDF?)")
    return pages


def _read_docx(path: Path) -> list[str]:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise UnreadableFileError(path, f"corrupt DOCX: {error}") from error
    # Each Word paragraph is a real paragraph: a blank line keeps them apart for the parser.
    return ["\n\n".join(paragraph.text for paragraph in document.paragraphs)]


_READERS: dict[str, Callable[[Path], list[str]]] = {
    ".pdf": _read_pdf,
    ".docx": _read_docx,
    ".txt": _read_txt,
    ".md": _read_md,
}
