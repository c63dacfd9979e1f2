"""The HTML pages' templates, in one environment every route and the error answers share.

Autoescaping is on for every template: a name from a document is shown as text, never run.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader

TEMPLATES = Path(__file__).resolve().parent / "templates"
templates = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
