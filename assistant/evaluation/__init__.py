"""Scoring answers against question sets, and the plain LangChain baseline they are compared with."""
