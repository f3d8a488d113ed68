"""What every request reads and nothing changes: the loaded form and the document templates."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from formgen.documents import TemplateStore
from formgen.settings import Settings
from formgen.spec import FormSpec


@dataclass(frozen=True)
class Services:
    settings: Settings
    form: FormSpec
    templates: TemplateStore


def services() -> Services:
    return current_app.extensions["formgen"]
