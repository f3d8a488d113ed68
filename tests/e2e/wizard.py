"""Short ways to drive the wizard by what a person sees: labels, legends, headings and link text.

A page's answers are a dict of question -> answer, where the answer's type says how it is given:

    text                 typed into the text box or text area labelled with the question
    date / DateParts     typed into the Day, Month and Year boxes of the date question
    Choose("Yes")        the one option selected among the question's radios
    Tick("A", "B")       the options ticked among the question's checkboxes
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx import Document
from playwright.sync_api import Locator, Page, expect


@dataclass(frozen=True)
class Choose:
    option: str


class Tick:
    def __init__(self, *options: str) -> None:
        self.options = options


@dataclass(frozen=True)
class DateParts:
    """A date as typed, which need not be a real one."""

    day: str
    month: str
    year: str

    @classmethod
    def of(cls, day: date) -> DateParts:
        return cls(str(day.day), str(day.month), str(day.year))


Answer = str | date | DateParts | Choose | Tick


def as_asked(question_text: str) -> re.Pattern:
    """A question's words, as a page asks them: "(optional)" after those that need no answer."""
    return re.compile(rf"^\s*{re.escape(question_text)}( \(optional\))?\s*$")


def question(page: Page | Locator, legend: str) -> Locator:
    """A question asked with a fieldset (radios, checkboxes, a date), found by its legend."""
    return page.get_by_role("group", name=as_asked(legend))


def own_options(fieldset: Locator) -> Locator:
    """The fieldset's own radios or checkboxes, not those of a follow-up revealed under one of them."""
    return fieldset.locator(
        ":scope > .govuk-radios > .govuk-radios__item, :scope > .govuk-checkboxes > .govuk-checkboxes__item"
    )


def option(page: Page | Locator, legend: str, label: str) -> Locator:
    return own_options(question(page, legend)).get_by_label(label, exact=True)


def date_input(page: Page | Locator, legend: str, part: str) -> Locator:
    return question(page, legend).get_by_label(part, exact=True)


def answer(page: Page, label: str, value: Answer) -> None:
    if isinstance(value, date):
        value = DateParts.of(value)
    if isinstance(value, DateParts):
        for part, text in (("Day", value.day), ("Month", value.month), ("Year", value.year)):
            date_input(page, label, part).fill(text)
    elif isinstance(value, Choose):
        option(page, label, value.option).check()
    elif isinstance(value, Tick):
        for ticked in value.options:
            option(page, label, ticked).check()
    else:
        page.get_by_label(as_asked(label)).fill(value)


def fill(page: Page, answers: Mapping[str, Answer]) -> None:
    for label, value in answers.items():
        answer(page, label, value)


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def expect_heading(page: Page, text: str) -> None:
    expect(heading(page)).to_have_text(text)


def press(page: Page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()


def answer_page(page: Page, title: str, answers: Mapping[str, Answer], button: str = "Continue") -> None:
    """Check we are on the page titled `title` (not an error), answer its questions and move on."""
    expect_heading(page, title)
    expect(page).not_to_have_title(re.compile(r"^Error:"))
    fill(page, answers)
    press(page, button)


def add_item(page: Page, item_name: str, answers: Mapping[str, Answer]) -> None:
    """Add one item to a list from its question page ("Add a person") and come back to the page."""
    press(page, f"Add {a_or_an(item_name)}")
    answer_page(page, f"Add {a_or_an(item_name)}", answers)


def a_or_an(noun: str) -> str:
    """The noun with the article a person would write: an agency, a person."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def no_more(page: Page, item_name: str) -> None:
    """Say no to adding another item to the list the page asks about, and move on."""
    option(page, f"Do you need to add another {item_name}?", "No").check()
    press(page, "Continue")


def open_task(page: Page, task: str) -> None:
    page.get_by_role("link", name=task, exact=True).click()


def task_status(page: Page, task: str) -> Locator:
    """The status shown beside a task on a task list (the row is the task-list item)."""
    row = page.locator(".govuk-task-list__item").filter(has=page.get_by_text(task, exact=True))
    return row.locator(".govuk-task-list__status")


def check_answer(page: Page, question_text: str) -> Locator:
    """The answer shown beside a question on a check answers page."""
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key").get_by_text(question_text, exact=True)
    )
    return row.locator(".govuk-summary-list__value")


def change(page: Page, question_text: str) -> None:
    """Select "Change" beside a question on a check answers page."""
    page.get_by_role("link", name=f"Change {question_text}", exact=True).click()


def document_text(path: Path) -> str:
    """Every paragraph of a Word document, in its body and its tables, as one text."""
    document = Document(str(path))
    parts = [paragraph.text for paragraph in document.paragraphs]

    def tables(tables_in) -> None:
        for table in tables_in:
            for row in table.rows:
                for cell in row.cells:
                    parts.extend(paragraph.text for paragraph in cell.paragraphs)
                    tables(cell.tables)

    tables(document.tables)
    return "\n".join(parts)
