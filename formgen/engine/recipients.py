"""Editing a case's distribution list (K2, A3): new recipients' ids, what a change clears, removals.

Pure rules over formgen.engine.distribution's data, so the web pages and any other editor of the list
apply the same ones:
- a recipient's id is short, safe in a file name, and never one the case's withholdings or circulation
  log still name (so a new recipient never inherits what was kept from, or sent to, an old one);
- a household member's confirmation is their practitioner's or manager's word that *this* person, at
  *this* address, may be sent *these* children's documents: changing any of that clears it;
- a recipient who has been sent a copy stays on the list, since the circulation log names them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from babel import Locale, UnknownLocaleError

from formgen.engine.distribution import DISTRIBUTION_LIST, Recipient, Sending, Withholding
from formgen.i18n import current

# Languages a distribution list offers, by the codes stored (BCP 47: ISO 639-1, or 639-3 where a
# language has no two-letter code). The family's preferred language; English first, as the default.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "cy": "Welsh",
    "gd": "Scottish Gaelic",
    "ga": "Irish",
    "bfi": "British Sign Language",
    "sq": "Albanian",
    "am": "Amharic",
    "ar": "Arabic",
    "bn": "Bengali",
    "bg": "Bulgarian",
    "yue": "Chinese (Cantonese)",
    "zh": "Chinese (Mandarin)",
    "cs": "Czech",
    "prs": "Dari",
    "fa": "Farsi (Persian)",
    "fr": "French",
    "de": "German",
    "gu": "Gujarati",
    "hi": "Hindi",
    "hu": "Hungarian",
    "it": "Italian",
    "ku": "Kurdish",
    "lv": "Latvian",
    "lt": "Lithuanian",
    "ne": "Nepali",
    "ps": "Pashto",
    "pl": "Polish",
    "pt": "Portuguese",
    "pa": "Punjabi",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "so": "Somali",
    "es": "Spanish",
    "sw": "Swahili",
    "ta": "Tamil",
    "ti": "Tigrinya",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "yo": "Yoruba",
}
DEFAULT_LANGUAGE = "en"

# What a household member's confirmation vouches for: a change to any of these clears it.
CONFIRMED_FIELDS = ("person", "address", "email", "children", "excluded_reason")

# The words the access log uses for each part of a recipient (what changed, never the values).
FIELD_WORDS: dict[str, str] = {
    "person": "who they are",
    "name": "name",
    "role": "role",
    "organisation": "organisation",
    "address": "postal address",
    "email": "secure email",
    "language": "language",
    "english_too": "the English copy too",
    "format": "format",
    "children": "children",
    "referrer": "made the referral",
    "excluded_reason": "must not receive a copy",
}

_OURS = re.compile(r"r([0-9]{1,12})")

REMOVED_PERSON = "Someone no longer in the household"


def language_name(code: str) -> str:
    """A language's name in the language being spoken: CLDR's, where it has one ("Pwyleg" in Welsh)."""
    english = LANGUAGES.get(code, code)
    speaking = current()
    if speaking.is_source:
        return english
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(speaking.locale) or english
    except (UnknownLocaleError, ValueError):  # a code CLDR does not know, such as British Sign Language's
        return english


def household_people(household: Mapping[str, Any]) -> dict[str, str]:
    """The household's people by item id, each with their name as the answers give it."""
    people: dict[str, str] = {}
    for item in household.get("household_members") or []:
        if isinstance(item, Mapping) and isinstance(item.get("id"), str):
            name = item.get("name")
            people[item["id"]] = name.strip() if isinstance(name, str) and name.strip() else "Unnamed person"
    return people


def wants_welsh(household: Mapping[str, Any], person: str | None) -> bool:
    """Whether the household's answers say this member wants to deal with the council in Welsh (the
    Welsh Language Standards' record of each person's wish)."""
    return any(
        isinstance(item, Mapping) and item.get("id") == person and item.get("wants_welsh") is True
        for item in household.get("household_members") or []
    )


def recipient_name(recipient: Recipient, people: Mapping[str, str]) -> str:
    """A recipient's name: a household member's from the answers, anyone else's as entered."""
    if recipient.person is not None:
        return people.get(recipient.person, REMOVED_PERSON)
    return recipient.name or "Unnamed recipient"


def next_id(
    distribution: Iterable[Recipient], withheld: Iterable[Withholding], circulation: Iterable[Sending]
) -> str:
    """The id for a new recipient: r1, r2, ... after every id the case's list, withholdings and log use."""
    used = {recipient.id for recipient in distribution}
    for withholding in withheld:
        used |= set(withholding.recipients)
        if withholding.field == DISTRIBUTION_LIST and withholding.item is not None:
            used.add(withholding.item)  # a recipient kept out of the others' list of who has a copy
    used |= {sending.recipient for sending in circulation}
    numbers = [int(match.group(1)) for id in used if (match := _OURS.fullmatch(id))]
    candidate = max(numbers, default=0) + 1
    while f"r{candidate}" in used:  # an imported id such as r01 never collides with r1, but be sure
        candidate += 1
    return f"r{candidate}"


def changed_fields(before: Recipient, after: Recipient) -> list[str]:
    """The parts of a recipient a change altered, in FIELD_WORDS order (children compared as sets)."""
    changed = []
    for name in FIELD_WORDS:
        old, new = getattr(before, name), getattr(after, name)
        if name == "children":
            old, new = set(old), set(new)
        if old != new:
            changed.append(name)
    return changed


def revised(before: Recipient | None, after: Recipient) -> Recipient:
    """`after` as it is stored: a household member keeps their confirmation unless who they are, where
    copies go, whose documents or whether they may have any changed; nobody else holds one."""
    keep = (
        before is not None
        and after.person is not None
        and not set(changed_fields(before, after)) & set(CONFIRMED_FIELDS)
    )
    confirmed = before.confirmed if keep and before is not None else None
    return after.model_copy(update={"confirmed": confirmed})


def duplicate_person(
    distribution: Iterable[Recipient], person: str | None, except_id: str | None = None
) -> bool:
    """Whether the household member is already on the list (as another entry than `except_id`)."""
    return person is not None and any(
        recipient.person == person and recipient.id != except_id for recipient in distribution
    )


def removal_refusal(recipient: Recipient, circulation: Iterable[Sending], name: str) -> str | None:
    """Why a recipient cannot be taken off the list, or None: the circulation log names whoever was sent
    a copy, so they stay, recorded as not receiving any more if need be."""
    if any(sending.recipient == recipient.id for sending in circulation):
        return (
            f"{name} has been sent copies, so they stay on the distribution list: the record of what was "
            "sent names them. To stop sending them copies, change them to “must not receive a copy”."
        )
    return None


def removed(
    recipient_id: str, distribution: Iterable[Recipient], withheld: Iterable[Withholding]
) -> tuple[list[Recipient], list[Withholding]]:
    """The list without the recipient, and the withholdings no longer naming them: one that kept them
    out of the others' list of who has a copy goes with them, and so does one kept from them alone."""
    kept = [recipient for recipient in distribution if recipient.id != recipient_id]
    withholdings = []
    for withholding in withheld:
        if withholding.field == DISTRIBUTION_LIST and withholding.item == recipient_id:
            continue
        others = [id for id in withholding.recipients if id != recipient_id]
        if others:
            withholdings.append(withholding.model_copy(update={"recipients": others}))
        elif not withholding.recipients:
            withholdings.append(withholding)  # named nobody before: not ours to drop
    return kept, withholdings


def without_child(
    child: str,
    distribution: Iterable[Recipient],
    withheld: Iterable[Withholding],
    circulation: Iterable[Sending],
) -> tuple[list[Recipient], list[Withholding], list[Sending], list[Recipient]]:
    """The list, withholdings and log once a child's whole assessment is removed, and who leaves the
    list with it: a recipient of that child's documents alone goes (an empty `children` would mean
    every child's: never a wider list by a removal), the others stop naming the child; the copies of
    the child's documents and what was kept from the child's answers go with the assessment."""
    gone = [recipient for recipient in distribution if recipient.children == [child]]
    kept = [
        recipient.model_copy(update={"children": [key for key in recipient.children if key != child]})
        for recipient in distribution
        if recipient not in gone
    ]
    withholdings = [withholding for withholding in withheld if withholding.child != child]
    for recipient in gone:
        _, withholdings = removed(recipient.id, [], withholdings)
    sendings = [sending for sending in circulation if sending.child != child]
    return kept, withholdings, sendings, gone


LEFT_THE_HOUSEHOLD = "No longer one of the people in the household"


def without_person(
    person: str,
    name: str,
    distribution: Iterable[Recipient],
    withheld: Iterable[Withholding],
    circulation: Iterable[Sending],
) -> tuple[list[Recipient], list[Withholding], list[Recipient]]:
    """The list and withholdings once a person is removed from the household, and the recipients that
    were them. One who was never sent a copy goes; one who was stays, as the record of what was sent
    names them: by the name they had, outside the household now, recorded as receiving no more."""
    sent = {sending.recipient for sending in circulation}
    kept, withholdings, theirs = [], list(withheld), []
    for recipient in distribution:
        if recipient.person != person:
            kept.append(recipient)
            continue
        theirs.append(recipient)
        if recipient.id in sent:
            reason = recipient.excluded_reason or LEFT_THE_HOUSEHOLD
            update = {"person": None, "name": name, "confirmed": None, "excluded_reason": reason}
            kept.append(recipient.model_copy(update=update))
        else:
            _, withholdings = removed(recipient.id, [], withholdings)
    return kept, withholdings, theirs
