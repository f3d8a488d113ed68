"""The child's chronology (K5, H2): events derived from dated answers, the household's events entered
once and shown in every sibling's chronology, events added by hand, and "Child seen alone"."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date

import pytest
from docx import Document

from formgen.documents import documents_for, render_document
from formgen.engine.chronology import KIND_LABELS, Kind, chronology, filtered
from tests.support import EXAMPLES, TODAY, load_example

TILLY, KAI, POPPY = "child-tilly", "child-kai", "child-poppy"


@pytest.fixture(scope="module")
def siblings(form):
    case = load_example("sibling-group")
    return case, {child.id: chronology(form, case, child.id, today=TODAY) for child in case.children}


def test_derived_events_come_from_dated_answers_and_list_items_in_date_order(siblings):
    _, events = siblings
    tilly = events[TILLY]
    assert [event.day for event in tilly] == sorted(event.day for event in tilly)
    derived = {event.what for event in tilly if event.kind is Kind.ASSESSMENT}
    assert "Referral received" in derived and "Assessment started" in derived
    # A list item's event names the item: an agency consulted is an event of its own.
    assert any(what.startswith("Agency consulted: ") for what in derived)
    referral = next(event for event in tilly if event.what == "Referral received")
    assert referral.household and referral.source.startswith("Assessment: ")


def test_a_household_event_shows_once_in_each_siblings_chronology(siblings):
    case, events = siblings
    typed = case.household["household_events"]
    assert typed, "the example enters the family's events once, for the household"
    for child in (TILLY, KAI, POPPY):
        counts = Counter((event.day, event.what) for event in events[child] if event.kind is Kind.HOUSEHOLD)
        for item in typed:
            key = (date.fromisoformat(item["household_event_date"]), item["household_event"])
            assert counts[key] == 1, (child, key)
    incident = next(
        event for event in events[KAI] if event.kind is Kind.HOUSEHOLD and event.day == date(2025, 10, 3)
    )
    assert incident.household and incident.source == "Northbrook Police"
    assert "Tilly called the police" in incident.significance


def test_events_added_by_hand_are_the_childs_own_with_their_source_and_significance(siblings):
    _, events = siblings
    added = [event for event in events[TILLY] if event.kind is Kind.ADDED]
    assert [(event.day, event.source) for event in added] == [(date(2025, 10, 20), "Tilly and her mother")]
    assert added[0].significance.startswith("He is still trying to reach the family")
    assert not added[0].household
    # Another child's own event is not in Tilly's chronology, nor hers in theirs.
    assert not any("nursery" in event.what for event in events[TILLY] if event.kind is Kind.ADDED)
    assert not any(event.kind is Kind.ADDED for event in events[KAI])
    assert any("nursery" in event.what for event in events[POPPY] if event.kind is Kind.ADDED)


def test_a_visit_where_the_child_was_seen_alone_is_its_own_event(form):
    case = load_example("sibling-group")
    answers = case.child(TILLY).answers
    visits = answers["child_visits"]
    alone = {date.fromisoformat(visit["visit_date"]) for visit in visits if visit["seen_alone"] is True}
    not_alone = {date.fromisoformat(visit["visit_date"]) for visit in visits if visit["seen_alone"] is False}
    events = chronology(form, case, TILLY, today=TODAY)
    assert alone, "the example has a visit where Tilly was seen alone"
    assert {event.day for event in events if event.kind is Kind.SEEN_ALONE} == alone
    assert all(
        event.what == KIND_LABELS[Kind.SEEN_ALONE] for event in events if event.kind is Kind.SEEN_ALONE
    )
    seen = {event.day for event in events if event.what == "Child seen"}
    assert seen == not_alone
    # Answering "no" turns the event back into a visit.
    for visit in visits:
        visit["seen_alone"] = False
        visit["not_seen_alone_reason"] = "Her mother was present at her request."
    again = chronology(form, case, TILLY, today=TODAY)
    assert not any(event.kind is Kind.SEEN_ALONE for event in again)


def test_the_filters_keep_the_kinds_and_dates_asked_for(siblings):
    _, events = siblings
    tilly = events[TILLY]
    household = filtered(tilly, kinds={Kind.HOUSEHOLD})
    assert household and all(event.kind is Kind.HOUSEHOLD for event in household)
    october = filtered(tilly, since=date(2025, 10, 1), until=date(2025, 10, 31))
    assert october and all(date(2025, 10, 1) <= event.day <= date(2025, 10, 31) for event in october)
    assert date(2025, 10, 3) in {event.day for event in october}  # both ends included
    assert filtered(tilly) == tilly
    assert filtered(tilly, since=date(2025, 10, 4), until=date(2025, 10, 3)) == []


@pytest.mark.parametrize("name", [path.stem for path in EXAMPLES])
def test_the_chronology_document_renders_for_every_child_of_every_example(form, store, name):
    case = load_example(name)
    for child in case.children:
        assert "chronology" in documents_for(form, case, child.id, today=TODAY)
        content = render_document(form, store, case, child.id, "chronology", today=TODAY)
        document = Document(io.BytesIO(content))
        assert document.paragraphs[0].text == "Chronology"
        rows = [[cell.text for cell in row.cells] for row in document.tables[-1].rows]
        assert rows[0] == ["Date", "What happened", "Kind", "Source", "Significance"]
        expected = chronology(form, case, child.id, today=TODAY)
        assert [row[1] for row in rows[1:]] == [event.what for event in expected]
        assert document.paragraphs[-1].text == "End of chronology"


def test_the_chronology_document_shows_the_family_event_and_seen_alone_for_each_sibling(form, store):
    case = load_example("sibling-group")
    for child in (TILLY, KAI, POPPY):
        document = Document(io.BytesIO(render_document(form, store, case, child, "chronology", today=TODAY)))
        rows = [[cell.text for cell in row.cells] for row in document.tables[-1].rows]
        incident = [row for row in rows if row[1].startswith("Mr Dacres assaulted")]
        assert len(incident) == 1 and incident[0][2:4] == ["Family event", "Northbrook Police"]
    tilly = Document(io.BytesIO(render_document(form, store, case, TILLY, "chronology", today=TODAY)))
    rows = [[cell.text for cell in row.cells] for row in tilly.tables[-1].rows]
    alone = [row for row in rows if row[0] == "14 October 2025" and row[1] == "Child seen alone"]
    assert len(alone) == 1 and alone[0][2] == "Child seen alone"
