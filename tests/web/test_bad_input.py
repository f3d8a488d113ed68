"""What a browser (or someone editing a request) can send that once broke the service (issue 6).

Each is refused with a message on the page, keeps what was stored, and never gives a server error.
"""

from __future__ import annotations

import pytest

from formgen.web.extensions import db
from formgen.web.models import Case
from tests.web.conftest import submit
from tests.web.test_wizard import child_answers, household, summary_links, tree

RANGE = "between 1 January 1900 and 31 December 2100"


def _store(app, reference: str, *, household_changes=None, child_key=None, child_changes=None) -> None:
    """Write answers straight into the database, as a row saved before today's checks would be."""
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == reference))
        if household_changes:
            case.household = {**case.household, **household_changes}
        if child_changes:
            child = case.child(child_key)
            child.answers = {**child.answers, **child_changes}
        db.session.commit()


def test_save_later_refuses_a_referral_date_in_the_year_9999(app, client, example_case):
    path = f"/cases/{example_case}/household/case/referral"
    before = household(app, example_case)["referral_date"]
    response = submit(
        client,
        path,
        {
            "referral_date-day": "31",
            "referral_date-month": "12",
            "referral_date-year": "9999",
            "action": "save-later",
        },
    )
    assert response.status_code == 400
    assert summary_links(response) == [
        (f"The date the referral was received must be {RANGE}", "#referral_date-year")
    ]
    assert tree(response).xpath("//input[@id='referral_date-year']/@value") == ["9999"]
    assert household(app, example_case)["referral_date"] == before


def test_a_year_9999_already_stored_shows_as_a_wrong_answer_and_breaks_no_page(app, client, example_case):
    _store(app, example_case, household_changes={"referral_date": "9999-12-31"})
    _store(app, example_case, child_key="child-kai", child_changes={"completion_date": "0001-01-01"})
    for path in ("/", f"/cases/{example_case}", f"/cases/{example_case}/children/child-kai"):
        assert client.get(path).status_code == 200, path
    record = client.get(f"/cases/{example_case}/children/child-kai/documents/record.docx")
    assert record.status_code == 200
    check = client.get(f"/cases/{example_case}/household/case/check").get_data(as_text=True)
    assert "Enter the referral date to see the due date" in client.get(
        f"/cases/{example_case}/children/child-kai"
    ).get_data(as_text=True)
    assert check.count("Not provided") >= 1
    page = client.get(f"/cases/{example_case}/household/case/referral")
    assert page.status_code == 200


def test_an_expected_delivery_date_in_year_one_is_a_message_on_continue(app, client, example_case):
    path = f"/cases/{example_case}/children/child-poppy/child/child_and_dates"
    answers = child_answers(app, example_case, "child-poppy")
    page = {
        "child_name": answers["child_name"],
        "unborn": "yes",
        "expected_delivery_date-day": "1",
        "expected_delivery_date-month": "1",
        "expected_delivery_date-year": "0001",
        "assessment_start_date-day": "4",
        "assessment_start_date-month": "3",
        "assessment_start_date-year": "2025",
    }
    response = submit(client, path, page)
    assert response.status_code == 400
    assert summary_links(response)[0][0] == f"The expected delivery date must be {RANGE}"
    far = {**page, "expected_delivery_date-year": "2027"}
    response = submit(client, path, far)
    assert response.status_code == 400
    assert summary_links(response)[0][0] == (
        "The expected delivery date must be within 10 months of the date the referral was received"
    )
    assert child_answers(app, example_case, "child-poppy") == answers


@pytest.mark.parametrize("part", ["²", "٣", "9" * 5000])
def test_a_date_part_that_is_not_ascii_digits_is_a_message(app, client, example_case, part):
    path = f"/cases/{example_case}/household/case/referral"
    response = submit(
        client,
        path,
        {
            "referral_date-day": "3",
            "referral_date-month": "3",
            "referral_date-year": part,
            "action": "save-later",
        },
    )
    assert response.status_code == 400
    assert summary_links(response)[0][1] == "#referral_date-year"


def test_a_tampered_yes_no_is_refused_and_the_stored_answer_kept(app, client, example_case):
    path = f"/cases/{example_case}/children/child-tilly/child/child_and_dates"
    before = child_answers(app, example_case, "child-tilly")
    response = submit(client, path, {"unborn": "maybe", "action": "save-later"})
    assert response.status_code == 400
    assert summary_links(response) == [("Select yes if this is a pre-birth assessment", "#unborn")]
    assert child_answers(app, example_case, "child-tilly") == before


def test_a_person_the_page_never_offered_is_refused(app, client, example_case):
    path = f"/cases/{example_case}/household/case/household_address_page"
    before = household(app, example_case)
    response = submit(
        client,
        path,
        {
            "household_address": before["household_address"],
            "household_address_confidential_from": ["p-nobody"],
            "action": "save-later",
        },
    )
    assert response.status_code == 400
    assert household(app, example_case) == before


def test_control_characters_typed_or_pasted_are_stripped_before_saving(app, client, example_case):
    path = f"/cases/{example_case}/household/case/referral"
    response = submit(
        client,
        path,
        {"referral_source": "Head\x00 teacher\x07 at\x0bHilltop", "action": "save-later"},
    )
    assert response.status_code == 302
    assert household(app, example_case)["referral_source"] == "Head teacher at\nHilltop"


def test_a_case_with_no_children_yet_exports_as_a_case_file_that_imports_again(app, client):
    from formgen.engine.casefile import parse_case
    from formgen.web.commands import import_case
    from tests.web.conftest import EMAIL
    from tests.web.test_wizard import REFERRAL

    location = submit(client, "/cases/new", REFERRAL).headers["Location"]
    reference = location.split("/")[2]
    case_page = client.get(f"/cases/{reference}").get_data(as_text=True)
    assert f"/cases/{reference}/case-file.json" in case_page  # the case page offers the link
    response = client.get(f"/cases/{reference}/case-file.json")
    assert response.status_code == 200
    case = parse_case(response.data, "export")
    assert (case.reference, case.children) == (reference, [])
    assert case.household["referral_reason"] == REFERRAL["referral_reason"]
    with app.app_context():
        db.session.delete(db.session.scalar(db.select(Case).where(Case.reference == reference)))
        db.session.commit()
    assert import_case(app, case, EMAIL, "export") == reference
