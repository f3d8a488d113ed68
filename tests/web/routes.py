"""Every route of the app, its arguments filled with sample values: to check what no route may do."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

from werkzeug.routing import Rule

from formgen.web.security import PUBLIC_ENDPOINTS

# A value for every argument of the app's routes: the example sibling group's case, a page, a list.
SAMPLE_VALUES = {
    "reference": "EX-SIB-01",
    "key": "child-tilly",
    "section_id": "child_views",
    "page_id": "seeing_the_child",
    "group_id": "child_visits",
    "item_id": "v-tilly-1",
    "kind": "record",
    "field": "household_members.interpreter_not_used_reason",
    "item": "p-mother",
    "number": "1",
    "document": "plan",  # a circulated document: one recipient's copy
    "recipient": "mother",  # on the example's distribution list, confirmed
    "user_id": "1",  # the first account made: tests/web/conftest.py's practitioner, in no test's way
    "field_id": "assessment_actions",  # a list the plan prints, so who must not see it may be chosen
    "language": "pl",  # the family friend's, on the example's distribution list
}


# The decision pages: the sibling group's answers call for these decisions once the tests that use them
# say consent was not sought and the mother's interpreter was not arranged (see tests/web/test_roles.py).
# The household's pages (the same views, without a child) get a household section, page and list.
HOUSEHOLD_VALUES = {
    "section_id": "case",
    "page_id": "household",
    "group_id": "household_members",
    "item_id": "p-grandmother",
}

# "Who must not see this?" of an item: an action of the household's plan, from a child's or the household's.
WITHHOLDING_VALUES = {"field_id": "assessment_actions", "item_id": "x-marac"}


def guarded_urls(app, values: dict[str, str] = SAMPLE_VALUES) -> Iterator[tuple[Rule, str]]:
    """Every route of the app but the public ones, its arguments filled with `values`."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        filled = values
        if "key" in (rule.defaults or {}) and values is SAMPLE_VALUES:
            filled = {**SAMPLE_VALUES, **HOUSEHOLD_VALUES}
        if "item" in (rule.defaults or {}) and values is SAMPLE_VALUES:
            filled = {**SAMPLE_VALUES, "field": "consent_override_reasons"}  # a decision of its own
        if "field_id" in rule.arguments and values is SAMPLE_VALUES:
            filled = {**filled, **WITHHOLDING_VALUES}
        url = rule.rule
        for name in rule.arguments - set(rule.defaults or {}):
            url = re.sub(rf"<(?:\w+:)?{name}>", quote(filled[name], safe=""), url)
        yield rule, url


def assert_control_characters_are_not_found(app, client) -> int:
    """Each argument of each route in turn holds a control character: every answer is Not Found."""
    token = client.csrf_token("/")
    checked = 0
    for character in ("\x00", "\x1f", "\x7f", "\x85"):
        for name, value in SAMPLE_VALUES.items():
            for rule, url in guarded_urls(app, {**SAMPLE_VALUES, name: value + character}):
                if name not in rule.arguments - set(rule.defaults or {}):
                    continue
                if "GET" in rule.methods:
                    assert client.get(url).status_code == 404, url
                if "POST" in rule.methods:
                    assert client.post(url, data={"csrf_token": token}).status_code == 404, url
                checked += 1
    return checked
