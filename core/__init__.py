"""Pieces both ingest/ and qa/ use: the domain models, settings, errors, the embedder and the store."""
