"""Every error Casebook reports to its user, under one base, `CasebookError`.

The engine raises these; the errors of the lower layers (the store, the embedding model) become
them in `translated()`. The CLI turns them into exit codes and the app into messages, each in one
place. Anything else that escapes is a bug.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class CasebookError(Exception):
    """An error the user can act on, shown as its one-line message."""


class UsageError(CasebookError):
    """A request that cannot be carried out as given: an unknown option value, a malformed range."""


class UnknownActionError(UsageError):
    """An Action id the library does not hold."""


class InputFileError(CasebookError):
    """A file or folder to read that does not exist or cannot be read."""


class StoreUnavailableError(CasebookError):
    """The Chroma store cannot be used now (a server down, a refused token); retrying may succeed."""


class EmbeddingModelError(CasebookError):
    """The embedding model cannot be loaded; the message says what to do."""


class SettingsError(UsageError):
    """A `CASEBOOK_*` variable (or `.env` line) that cannot be read as its setting."""


@contextmanager
def translated() -> Iterator[None]:
    """Raise the lower layers' errors as Casebook's, keeping the original as the cause."""
    # Imported here, not above: the error types must not cost the store's import (seconds).
    from vectorstore import chroma_store, embeddings

    try:
        yield
    except chroma_store.StoreUnavailableError as error:
        raise StoreUnavailableError(str(error)) from error
    except embeddings.EmbeddingModelError as error:
        raise EmbeddingModelError(str(error)) from error
