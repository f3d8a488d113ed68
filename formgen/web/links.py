"""Where the wizard's pages link: a subject's pages, back to its tasks, and the journey kept in between."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request, url_for

from formgen.web.pages import Subject


def url(subject: Subject, endpoint: str, **values: Any) -> str:
    """A wizard page of the subject: one child's, or the household's when there is no child."""
    key = subject.child.key if subject.child else None
    return url_for(f"wizard.{endpoint}", reference=subject.case.reference, key=key, **values)


def back_to_tasks(subject: Subject) -> str:
    if subject.child is None:
        return url_for("cases.case", reference=subject.case.reference)
    return url(subject, "task_list")


def journey_args() -> dict[str, str]:
    """Where the journey goes next (back to check answers, on to the children), kept from page to page."""
    return {key: request.args[key] for key in ("return", "then") if key in request.args}


def leaving_for(sent: Mapping[str, str], back: str) -> str | None:
    """Where a page's leaving button goes once what was typed is saved (or the page has asked): Back,
    or the language toggle, which is a button of the page's form on a page of questions."""
    leave = sent.get("leave") or ""
    if leave == "back":
        return back
    if leave.startswith("language:"):
        return url_for("language.choose", code=leave.removeprefix("language:"), next=request.full_path)
    return None
