"""Text as people read it, on a page or in a document: dates in words, lists in words, safe for XML."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.lists import format_list

from formgen.i18n import _, current

if TYPE_CHECKING:
    from formgen.spec.model import FormField

# Word pastes a manual line break as a vertical tab and a page break as a form feed: keep them as line
# breaks. Every other control character is invalid in XML (docxtpl fails on it), and a bell (\a) would
# make docxtpl start a new paragraph, so they go. Lone surrogates cannot be encoded at all.
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\u2028\u2029]")
_INVALID_XML = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_EMPTY_BRACKETS = re.compile(r"\s*\(\s*\)")


def clean_text(text: str) -> str:
    """Text that fits in a Word document's XML, line breaks kept."""
    return _INVALID_XML.sub("", _LINE_BREAKS.sub("\n", text))


def format_day(day: date | None, locale: str | None = None) -> str:
    """A day in words, in `locale` or the language being spoken ("3 May 2026", "3 Mai 2026")."""
    if day is None:
        return ""
    return _long_date(day, locale or current().babel_locale)


@lru_cache(maxsize=4096)
def _long_date(day: date, locale: str) -> str:
    # CLDR's long form: "3 May 2026" in British English, "3 de maio de 2026" in Portuguese. Kept, since
    # Babel looks the locale up again on every call (a twentieth of a document's time) and a household's
    # documents print the same few days again and again.
    return format_date(day, "long", locale=locale)


def format_moment(moment: datetime) -> str:
    """A moment as GOV.UK writes one, in UK time: "3 May 2026 at 2:03pm" (a moment without a zone,
    as SQLite returns one, is in UTC)."""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(ZoneInfo("Europe/London"))
    hour = local.hour % 12 or 12
    minute = f"{local.minute:02d}"
    if local.hour < 12:
        time = _("%(hour)s:%(minute)sam", hour=hour, minute=minute)
    else:
        time = _("%(hour)s:%(minute)spm", hour=hour, minute=minute)
    return _("%(day)s at %(time)s", day=format_day(local.date()), time=time)


def join_words(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c', as the language being spoken joins them."""
    return format_list(list(words), locale=current().babel_locale) if words else ""


def article(noun: str) -> str:
    """'an agency', 'a person': enough English for the item names a spec gives. Another language's
    words for the sentence around it say what they need, so the noun comes back as it is."""
    if not current().is_source:
        return noun
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def fill_placeholders(template: str, values: Mapping[str, str]) -> str:
    """Put an item's values into a spec text such as "Agency consulted: {agency}" (no format(), no eval)."""
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), ""), template)


def item_label(group: FormField, text_of: Callable[[str], str]) -> str:
    """An item's name from its group's `item_label` (e.g. "{name} ({relationship})"), or its first field.

    Only the named fields are read, through `text_of(field_id)`: a field whose choices are this same
    group's items (a person confidential from other people) would otherwise ask for these labels again.
    """
    template = _(group.item_label) if group.item_label else "{" + (group.fields or [])[0].id + "}"
    label = PLACEHOLDER.sub(lambda match: text_of(match.group(1)), template)
    # Brackets an unanswered field left empty go: "Sam Example ()" read without a child's relationship.
    return _EMPTY_BRACKETS.sub("", label).strip()
