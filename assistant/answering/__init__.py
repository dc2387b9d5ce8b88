"""Answering a question: the ask pipeline (request, analysis once, follow-ups), the router that
chooses the answer once, Action resolution, passage search, extractive / metadata / model
answers, citation checks, the lessons search."""
