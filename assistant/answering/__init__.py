"""Answering a question: analysis, Action resolution, extractive / metadata / model answers, citation checks, follow-ups, the lessons search."""
