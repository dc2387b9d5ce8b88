"""The indexed library: incremental ingest into the store, the ingest records, uploaded files."""
