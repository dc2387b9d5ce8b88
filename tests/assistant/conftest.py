"""Shared constants for the assistant tests; the indexed corpus (`corpus_home`, `corpus_casebook`)
is in tests/conftest.py, shared with the other test folders."""

JORDAN = "jordanie-2016-2019-nouvelles-mesures-protection"
