"""Each recipient's plan and outcome, read part by part: nothing outside their audience, nothing kept
from them (F5, I4, I5, K2).

Every typed answer of an example is replaced by a marker carrying hostile characters, so a marker in a
copy says exactly which answer reached it; the checks below are the rules as a reader would state them.
"""

import copy
import itertools
import re
from collections.abc import Iterator

import pytest

from formgen.documents import DOCUMENTS, copies_for, render_document, write_documents
from formgen.documents.assemble import NoSuchDocument
from formgen.engine import CaseFile
from formgen.engine.distribution import DISTRIBUTION_LIST, Audience, Recipient, Withholding
from formgen.engine.review import Stage
from formgen.spec import load_spec
from tests.integration.test_documents import all_text_with_headers
from tests.support import TODAY, load_example

MARKER = re.compile(r"ZQ\d{4}")
HOSTILE = " <b>&'\"</b>"
TEXT_TYPES = {"text", "long_text"}
EXTERNAL = [kind for kind, document in DOCUMENTS.items() if document.per_recipient]


class Marked:
    """An example whose every text answer is a marker, and where each marker came from."""

    def __init__(self, form, case: CaseFile) -> None:
        self.case = copy.deepcopy(case)
        self.origin: dict[str, tuple[str, str | None, str | None]] = {}  # marker: (field key, child, item)
        self.counter = itertools.count(1)
        self.form = form
        self.mark(self.case.household, None)
        for child in self.case.children:
            self.mark(child.answers, child.id)
        for index, recipient in enumerate(self.case.distribution):
            if recipient.person is None:
                marker = self.next_marker("recipient", None, recipient.id)
                self.case.distribution[index] = recipient.model_copy(update={"name": marker})

    def next_marker(self, key: str, child: str | None, item: str | None) -> str:
        marker = f"ZQ{next(self.counter):04d}"
        self.origin[marker] = (key, child, item)
        return marker + HOSTILE

    def mark(self, answers: dict, child: str | None) -> None:
        for field_id, value in answers.items():
            info = self.form.fields.get(field_id)
            if info is None:
                continue
            if info.field.type in TEXT_TYPES and isinstance(value, str) and value:
                answers[field_id] = self.next_marker(info.key, child, None)
            elif info.field.type == "group" and isinstance(value, list):
                for item in value:
                    for key, item_value in item.items():
                        item_info = self.form.fields.get(f"{field_id}.{key}")
                        if item_info and item_info.field.type in TEXT_TYPES and item_value:
                            item[key] = self.next_marker(item_info.key, child, item["id"])

    def markers_in(self, text: str) -> set[str]:
        return set(MARKER.findall(text))


def copies(form, store, marked: Marked) -> Iterator[tuple[Recipient, str, str, str]]:
    """(recipient, child, kind, every part's text) of every copy the distribution list calls for."""
    for child in marked.case.children:
        for made in copies_for(form, marked.case, child.id, today=TODAY):
            if made.refused:
                continue
            content = render_document(
                form, store, marked.case, child.id, made.kind, today=TODAY, recipient=made.recipient
            )
            yield made.recipient, child.id, made.kind, all_text_with_headers(content)


def kept_from(recipient: Recipient, names: list[str]) -> bool:
    return recipient.id in names or recipient.person in names


def with_hostile_withholdings(case: CaseFile) -> CaseFile:
    """The sibling group with more kept back: a person, a service of the plan of action, a whole answer."""
    case = copy.deepcopy(case)
    kai = case.child("child-kai")
    service = kai.answers["plan_of_action"][0]["id"]
    case.withheld += [
        Withholding(field="household_members", item="p-grandmother", recipients=["mother", "police"]),
        Withholding(field="plan_of_action", child="child-kai", item=service, recipients=["police"]),
        Withholding(field="assessment_aims", recipients=["kai-school"]),
        Withholding(field=DISTRIBUTION_LIST, item="police", recipients=["mother"]),
    ]
    return case


@pytest.fixture(params=["sibling-group", "pre-birth", "unaccompanied-asylum-seeker"])
def marked(request, form) -> Marked:
    case = load_example(request.param)
    if request.param == "sibling-group":
        case = with_hostile_withholdings(case)
    return Marked(form, case)


def test_every_recipient_copy_holds_only_what_its_reader_may_see(form, store, marked):
    seen_kinds = set()
    for recipient, child_id, kind, text in copies(form, store, marked):
        seen_kinds.add(kind)
        found = marked.markers_in(text)
        assert found, f"{recipient.id}'s {kind} for {child_id} prints no answer at all"
        # A right-to-left copy wraps Latin text in invisible isolates (LRI ... PDI): they are no change.
        plain = text.replace("\u2066", "").replace("\u2069", "")
        assert HOSTILE.strip() in plain, "hostile characters arrive as text, unmangled"
        for marker in found:
            key, child, item = marked.origin[marker]
            if key == "recipient":
                entries = [entry for entry in marked.case.withheld if entry.field == DISTRIBUTION_LIST]
                assert not any(
                    entry.item == item and kept_from(recipient, entry.recipients) for entry in entries
                ), f"{recipient.id} is told that {item} has a copy"
                continue
            info = form.fields[key]
            top = info.group.id if info.group else info.field.id
            assert recipient.audience.value in (info.field.audience or []), (
                f"{key} reached {recipient.id}'s {kind}: it is not for {recipient.audience.value}"
            )
            if info.group is not None:
                group = form.info(info.group.id)
                assert recipient.audience.value in (group.field.audience or []), (
                    f"{top} list reached {recipient.id}"
                )
            for entry in marked.case.withheld:
                if entry.field == top and entry.child in (None, child) and entry.item in (None, item):
                    assert not kept_from(recipient, entry.recipients), (
                        f"{key} (item {item}) was kept from {recipient.id} but is in their {kind}"
                    )
            if key != "child_name":  # every document lists the household's children by name
                assert child in (None, child_id), f"another child's answer {key} is in {child_id}'s {kind}"
    approved = all(child.review.stage is Stage.APPROVED for child in marked.case.children)
    assert seen_kinds == (set(EXTERNAL) if approved else {"plan"}), "each document was made for someone"


def test_a_person_kept_from_a_recipient_is_named_nowhere_in_their_copies(form, store):
    marked = Marked(form, with_hostile_withholdings(load_example("sibling-group")))
    grandmother = next(p for p in marked.case.household["household_members"] if p["id"] == "p-grandmother")
    her_name = MARKER.match(grandmother["name"]).group(0)
    printed_for = {recipient.id for recipient, _, _, text in copies(form, store, marked) if her_name in text}
    assert "mother" not in printed_for and "police" not in printed_for
    assert "father" in printed_for, "she is named to those she is not kept from"


def test_the_father_is_not_told_where_the_family_is_or_that_they_moved(form, store):
    case = load_example("sibling-group")
    mother = next(p for p in case.household["household_members"] if p["id"] == "p-mother")
    secrets = (
        case.household["household_address"].splitlines()[0],
        mother["phone"],
        "Kestrel Hill",
        "Brindle Lane",
        "grandmother's home",
        "bail conditions",
        "MARAC",
        " move",
    )
    made = 0
    for child in case.children:
        for copy_ in copies_for(form, case, child.id, today=TODAY):
            if copy_.recipient.id != "father" or copy_.refused:
                continue
            content = render_document(
                form, store, case, child.id, copy_.kind, today=TODAY, recipient=copy_.recipient
            )
            text = all_text_with_headers(content)
            assert "Prepared for Marcus Dacres" in text
            for secret in secrets:
                assert secret not in text, f"{secret!r} is in the father's {copy_.kind} for {child.id}"
            made += 1
    assert made == 6, "a plan and an outcome for each of the three children"


def test_an_overlay_field_without_an_audience_reaches_no_copy_that_leaves(project_copy, store):
    path = project_copy.spec_dir / "authorities" / "general.yaml"
    path.write_text(
        path.read_text()
        + "\n".join(
            [
                "",
                "  - add_field:",
                "      page: aims",
                "      field:",
                "        id: police_intelligence",
                "        type: long_text",
                "        label: What does police intelligence say?",
                "",
            ]
        )
    )
    form = load_spec(project_copy.spec_dir, "general")
    case = load_example("sibling-group")
    case.household["police_intelligence"] = "ZQ9999 intelligence"
    for made in copies_for(form, case, "child-kai", today=TODAY):
        if made.refused:
            continue
        content = render_document(
            form, store, case, "child-kai", made.kind, today=TODAY, recipient=made.recipient
        )
        assert "ZQ9999" not in all_text_with_headers(content), f"{made.recipient.id}'s {made.kind}"
    record = render_document(form, store, case, "child-kai", "record", today=TODAY)
    assert "ZQ9999" in all_text_with_headers(record)


def test_a_copy_addressed_to_nobody_keeps_back_what_anyone_is_kept_from(form, store):
    marked = Marked(form, with_hostile_withholdings(load_example("sibling-group")))
    text = all_text_with_headers(render_document(form, store, marked.case, "child-kai", "plan", today=TODAY))
    assert "Not addressed to anyone" in text
    for marker in marked.markers_in(text):
        key, _, item = marked.origin[marker]
        info = form.fields.get(key)
        if info is None:
            continue
        assert set(Audience) <= set(info.field.audience or []), key
        top = info.group.id if info.group else info.field.id
        assert not any(
            e.field == top and e.item in (None, item) and e.recipients for e in marked.case.withheld
        )


def test_the_family_gets_no_outcome_while_it_is_withheld_and_the_referrer_only_a_holding_letter(form, store):
    case = load_example("sibling-group")
    kai = case.child("child-kai")
    kai.answers["outcome_withheld"] = True
    refused = {(c.recipient.id, c.kind): c.refused for c in copies_for(form, case, "child-kai", today=TODAY)}
    assert "withheld from the child and family" in refused[("mother", "outcome")]
    assert "withheld from the child and family" in refused[("father", "outcome")]
    assert refused[("police", "outcome")] is None and refused[("mother", "plan")] is None
    with pytest.raises(NoSuchDocument, match="withheld"):
        render_document(
            form, store, case, "child-kai", "outcome", today=TODAY, recipient=case.recipient("mother")
        )
    police = all_text_with_headers(
        render_document(
            form, store, case, "child-kai", "outcome", today=TODAY, recipient=case.recipient("police")
        )
    )
    assert "cannot share" in police
    assert kai.answers["child_in_need_reasoning"][:40] not in police
    school = all_text_with_headers(
        render_document(
            form, store, case, "child-kai", "outcome", today=TODAY, recipient=case.recipient("kai-school")
        )
    )
    assert kai.answers["child_in_need_reasoning"][:40] in school


def test_who_receives_what(form):
    case = load_example("sibling-group")
    refused = {
        (c.recipient.id, c.kind): c.refused for c in copies_for(form, case, "child-tilly", today=TODAY)
    }
    assert "must not receive" in refused[("grandmother", "plan")].lower()
    assert ("kai-school", "plan") not in refused, "Kai's school gets only Kai's documents"
    assert refused[("tilly-school", "plan")] is None
    unconfirmed = case.model_copy(
        update={"distribution": [r.model_copy(update={"confirmed": None}) for r in case.distribution]}
    )
    refused = {
        (c.recipient.id, c.kind): c.refused for c in copies_for(form, unconfirmed, "child-tilly", today=TODAY)
    }
    assert "not yet confirmed" in refused[("mother", "plan")].lower()
    assert refused[("police", "plan")] is None, "only a household member needs confirming"


def test_render_writes_one_plan_and_one_outcome_per_recipient_and_narrows_to_one(form, store, tmp_path):
    case = load_example("sibling-group")
    written = write_documents(form, store, case, tmp_path / "all", today=TODAY)
    names = {path.name for path in written}
    assert "EX-SIB-01-child-kai-plan-father.docx" in names
    assert "EX-SIB-01-child-kai-outcome-kai-school.docx" in names
    assert "EX-SIB-01-child-kai-record.docx" in names
    assert not any("grandmother" in name for name in names)
    assert not any("tilly-school" in name and "child-kai" in name for name in names)
    only = write_documents(form, store, case, tmp_path / "one", today=TODAY, recipient_ids=["father"])
    assert {path.name for path in only} == {
        f"EX-SIB-01-{child}-{kind}-father.docx"
        for child in ("child-tilly", "child-kai", "child-poppy")
        for kind in EXTERNAL
    }
    with pytest.raises(NoSuchDocument, match=r"(?i)must not receive"):
        write_documents(form, store, case, tmp_path / "none", today=TODAY, recipient_ids=["grandmother"])


def test_render_makes_each_copy_in_its_recipients_format(form, store, tmp_path):
    from tests.integration.test_formats import SIXTEEN_POINTS, sizes_in_parts

    case = load_example("sibling-group")
    assert case.recipient("kai-school").format.value == "large_print"
    written = write_documents(
        form, store, case, tmp_path, today=TODAY, recipient_ids=["kai-school", "mother"]
    )
    by_name = {path.name: path.read_bytes() for path in written}
    large = by_name["EX-SIB-01-child-kai-plan-kai-school.docx"]
    ordinary = by_name["EX-SIB-01-child-kai-plan-mother.docx"]
    assert min(sizes_in_parts(large)) >= SIXTEEN_POINTS.pt * 2  # w:sz is in half points
    assert min(sizes_in_parts(ordinary)) < SIXTEEN_POINTS.pt * 2
