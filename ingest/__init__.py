"""Ingest: files become case studies and citable chunks.

Entry points: `ingest.loader.load_file`, `ingest.chunker.chunk_publication`,
`ingest.taxonomy.load_taxonomy`; the records are in `ingest.models`.
"""
