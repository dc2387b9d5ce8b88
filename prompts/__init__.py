"""Prompt templates as text files, read with `importlib.resources`: `<task>.txt`, or
`<task>.<language>.txt` where the wording differs by language."""
