"""Case files written by older versions of formgen, brought up to today's format one version at a time.

Every change to the case file raises `VERSION` and adds the step from the version before, so a file
exported years ago still imports; a file from a newer formgen is refused with a message rather than
read wrongly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from formgen.engine.review import UK

PREFIX = "formgen-case/"
VERSION = 5
FORMAT = f"{PREFIX}{VERSION}"
_FORMAT = re.compile(rf"{re.escape(PREFIX)}([1-9][0-9]{{0,3}})")

Data = dict[str, Any]


class FormatError(ValueError):
    """A case file whose `format` this formgen cannot read."""


def _from_1(data: Data) -> Data:
    # 2 lets a case have no children yet (one exported straight after the referral) and limits the
    # reference to what can stand in a web address; the answers did not change.
    return {**data, "format": f"{PREFIX}2"}


# Format 2 typed the approval and the manager's decisions as answers; 3 records them with who and when.
# Each typed "who" and "when" becomes the record's, its answer goes; the reasons stay answers.
_APPROVAL = ("review_decision", "approver_name", "authorisation_date", "return_comments", "return_date")
_DECIDED_BY = {  # the question a manager answers: the typed name and date that went with it
    "child_not_seen_explanation": ("child_not_seen_manager_name", "child_not_seen_decision_date"),
    "child_interpreter_not_used_reason": (
        "child_interpreter_decision_manager",
        "child_interpreter_decision_date",
    ),
    "outcome_withheld_reason": ("outcome_withheld_manager_name", "outcome_withheld_date"),
    "consent_override_reasons": ("consent_override_manager_name", "consent_override_date"),
}
_DECIDED_BY_ITEM = {"household_members": ("interpreter_not_used_reason", "interpreter_decision_manager",
                                          "interpreter_decision_date")}  # fmt: skip
_WORKER = ("lead_practitioner_name", "lead_practitioner_phone")
_NOBODY = "Not recorded"


def _from_2(data: Data) -> Data:
    household = _mapping(data.get("household"), "household")
    decisions = _decisions(household)
    for group, (reason, name, day) in _DECIDED_BY_ITEM.items():
        items = []
        for index, entry in enumerate(_listed(household.get(group), f"household.{group}")):
            item = _mapping(entry, f"household.{group}[{index}]")
            who, when = item.pop(name, None), item.pop(day, None)
            if item.get(reason) and who:
                decisions.extend(_decision(f"{group}.{reason}", who, when, item=item.get("id")))
            items.append(item)
        if group in household:
            household[group] = items
    worker, phone = (household.pop(key, None) for key in _WORKER)
    children = []
    for index, entry in enumerate(_listed(data.get("children"), "children")):
        child = _mapping(entry, f"children[{index}]")
        answers = _mapping(child.get("answers"), f"children[{index}].answers")
        children.append(
            {**child, "answers": answers, "decisions": _decisions(answers), "review": _review(answers)}
        )
    upgraded = {
        **data,
        "format": f"{PREFIX}3",
        "household": household,
        "decisions": decisions,
        "children": children,
    }
    if isinstance(worker, str) and worker.strip():
        person = {"name": worker, **({"phone": phone} if isinstance(phone, str) and phone else {})}
        upgraded["allocation"] = {"worker": person, "team": _NOBODY}
    return upgraded


def _mapping(value: Any, place: str) -> Data:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FormatError(f"{place} must be a JSON object")
    return dict(value)


def _listed(value: Any, place: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FormatError(f"{place} must be a JSON list")
    return value


def _decisions(answers: Data) -> list[Data]:
    found = []
    for reason, (name, day) in _DECIDED_BY.items():
        who, when = answers.pop(name, None), answers.pop(day, None)
        if answers.get(reason) and who:
            found.extend(_decision(reason, who, when))
    return found


def _decision(field: str, who: Any, when: Any, item: Any = None) -> list[Data]:
    """The record of a typed decision, when its date can be read; none otherwise (its reasons stay)."""
    moment = _moment(when)
    if moment is None:
        return []
    decision = {"field": field, "by": {"name": str(who)}, "at": moment}
    return [{**decision, "item": item} if item else decision]


def _review(answers: Data) -> Data:
    """The approval or return that was typed, as a step; one whose date cannot be read was never
    finished (format 2 required it), so it is not a step."""
    decision, approver, authorised, comments, returned = (answers.pop(key, None) for key in _APPROVAL)
    by = {"name": str(approver or _NOBODY)}
    step, moment = {"approve": ("approve", _moment(authorised)), "return": ("return", _moment(returned))}.get(
        decision, (None, None)
    )
    if moment is None:
        return {"events": []}
    event = {"step": step, "by": by, "at": moment}
    return {"events": [{**event, "comment": str(comments or "")} if step == "return" else event]}


def _moment(day: Any) -> str | None:
    """A typed date as a moment: noon that day in the UK (format 2 kept no times); None if unreadable."""
    try:
        return datetime.combine(date.fromisoformat(str(day)), time(12), tzinfo=UK).isoformat()
    except ValueError:
        return None


# Format 3 said a person's relationship and parental responsibility once, for every child; 4 keeps them
# in each child's answers, under the list's id, by the person's item id (per_child in the spec).
PER_CHILD_3 = {"household_members": ("relationship", "parental_responsibility")}


def _from_3(data: Data) -> Data:
    # 4 also adds the distribution list, withholdings and the circulation log, empty in an older file.
    household = _mapping(data.get("household"), "household")
    children = []
    for index, entry in enumerate(_listed(data.get("children"), "children")):
        child = _mapping(entry, f"children[{index}]")
        answers = _mapping(child.get("answers"), f"children[{index}].answers")
        children.append({**child, "answers": relationships_for_child(household, answers)[1]})
    household = relationships_for_child(household, None)[0]
    return {**data, "format": f"{PREFIX}4", "household": household, "children": children}


def relationships_for_child(household: Data, child: Data | None) -> tuple[Data, Data | None]:
    """A household's and a child's answers of format 3, which said each person's relationship once for
    all the children, as format 4 keeps them: the household's items without them and the child's answers
    with them (a value the child's answers already hold is kept). Also for answers kept from before."""
    household = dict(household)
    child = None if child is None else dict(child)
    for group, keys in PER_CHILD_3.items():
        items = household.get(group)
        if not isinstance(items, list):
            continue
        entries = child.get(group) if child is not None else None
        entries = (
            [dict(e) if isinstance(e, dict) else e for e in entries] if isinstance(entries, list) else []
        )
        own = {entry.get("id"): entry for entry in entries if isinstance(entry, dict)}
        shared = []
        for item in items:
            if not isinstance(item, dict):
                shared.append(item)
                continue
            said = {key: item[key] for key in keys if key in item}
            shared.append({key: value for key, value in item.items() if key not in keys})
            if said and isinstance(item.get("id"), str):
                entry = own.get(item["id"])
                if entry is None:
                    entry = own[item["id"]] = {"id": item["id"]}
                    entries.append(entry)
                for key, value in said.items():
                    entry.setdefault(key, value)
        household[group] = shared
        if child is not None and entries:
            child[group] = entries
    return household, child


# Format 4 kept the ethnic group in formgen's own words; 5 keeps the Children in Need census's code, and
# adds the census's other answers (sex, UPN, referral source, primary need, disability codes), which an
# older file never had: they are left unanswered, to be asked for, since none follows from an old answer
# (sex is not gender). The database's migration 0009 converts stored answers alike, with its own copy of
# this table as it stood then (a migration must not change when the engine does).
ETHNICITY_4 = {
    "white_british": "WBRI",
    "white_irish": "WIRI",
    "traveller_of_irish_heritage": "WIRT",
    "gypsy_roma": "WROM",
    "white_other": "WOTH",
    "mixed_white_black_caribbean": "MWBC",
    "mixed_white_black_african": "MWBA",
    "mixed_white_asian": "MWAS",
    "mixed_other": "MOTH",
    "indian": "AIND",
    "pakistani": "APKN",
    "bangladeshi": "ABAN",
    "chinese": "CHNE",
    "asian_other": "AOTH",
    "caribbean": "BCRB",
    "african": "BAFR",
    "black_other": "BOTH",
    "arab": "OOTH",  # the census has no Arab group of its own: it counts under "any other ethnic group"
    "other_ethnic_group": "OOTH",
    "refused": "REFU",
    "not_yet_obtained": "NOBT",
}


def census_codes(answers: Data) -> Data:
    """A child's answers of format 4 with the ethnic group as the census's code (an unknown value stays,
    for the form to ask again)."""
    ethnicity = answers.get("ethnicity")
    if isinstance(ethnicity, str) and ethnicity in ETHNICITY_4:
        return {**answers, "ethnicity": ETHNICITY_4[ethnicity]}
    return answers


def _from_4(data: Data) -> Data:
    children = []
    for index, entry in enumerate(_listed(data.get("children"), "children")):
        child = _mapping(entry, f"children[{index}]")
        answers = _mapping(child.get("answers"), f"children[{index}].answers")
        children.append({**child, "answers": census_codes(answers)})
    return {**data, "format": f"{PREFIX}5", "children": children}


STEPS: dict[int, Callable[[Data], Data]] = {1: _from_1, 2: _from_2, 3: _from_3, 4: _from_4}


def version_of(data: Data) -> int:
    written = data.get("format")
    match = _FORMAT.fullmatch(written) if isinstance(written, str) else None
    if match is None:
        raise FormatError(f"format must be {FORMAT!r} (or an older {PREFIX}N), not {written!r}")
    version = int(match.group(1))
    if version > VERSION:
        raise FormatError(
            f"this case file was written by a newer formgen ({written}): this one reads {PREFIX}1 to {FORMAT}"
        )
    return version


def upgraded(data: Data) -> Data:
    """The case file's data in today's format."""
    version = version_of(data)
    while version < VERSION:
        data = STEPS[version](data)
        version += 1
    return data
