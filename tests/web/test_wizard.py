"""The practitioner's journey through the test client: every page checked by the page check."""

import io
import json
import re

from docx import Document
from lxml import html as lxml_html

from formgen.spec import load_spec
from formgen.web import summaries
from formgen.web.extensions import db
from formgen.web.models import Case
from tests.support import SPEC_DIR
from tests.web.conftest import submit, with_overlay

REFERRAL = {
    "referral_date-day": "3",
    "referral_date-month": "3",
    "referral_date-year": "2025",
    "referral_source": "Class teacher at Hilltop Primary",
    "referral_source_code": "2A",
    "referral_reason": "Bruising seen on arm & child said 'Dad was angry'",
}


def child_keys(app, reference: str) -> list[str]:
    with app.app_context():
        return [
            child.key
            for child in db.session.scalar(db.select(Case).where(Case.reference == reference)).children
        ]


def household(app, reference: str) -> dict:
    with app.app_context():
        return dict(db.session.scalar(db.select(Case).where(Case.reference == reference)).household)


def child_answers(app, reference: str, key: str) -> dict:
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == reference))
        return dict(case.child(key).answers)


def tree(response):
    return lxml_html.fromstring(response.get_data(as_text=True))


def summary_links(response) -> list[tuple[str, str]]:
    return [
        (a.text_content().strip(), a.get("href"))
        for a in tree(response).xpath("//div[@class='govuk-error-summary']//a")
    ]


# --- a new case ----------------------------------------------------------------------------------


def test_a_new_case_from_a_referral_with_its_people_and_children(app, client):
    response = submit(client, "/cases/new", REFERRAL)
    assert response.status_code == 302
    people = response.headers["Location"]
    reference = re.search(r"/cases/([^/]+)/", people).group(1)
    assert household(app, reference)["referral_reason"] == REFERRAL["referral_reason"]

    # Add a person: the list page's button, then the item page, then back to the list with "add another?".
    assert tree(client.get(people)).xpath("//button[@name='add']/text()")[0].strip() == "Add a person"
    add = submit(client, people, {"add": "household_members"}).headers["Location"]
    assert add == f"/cases/{reference}/household/case/household/household_members/new?then=children"
    response = submit(
        client,
        add,
        {
            "name": "Jordan Example",
            "first_language": "English",
            "interpreter_needed": "no",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == people
    page = client.get(people).get_data(as_text=True)
    # No child yet, so no relationship to one: each child's is asked once the children are added.
    assert "Jordan Example" in page and "Do you need to add another person?" in page
    assert "relationship" not in client.get(add).get_data(as_text=True)

    response = submit(client, people, {})
    assert response.status_code == 400
    assert summary_links(response) == [("Select yes if you need to add another person", "#add-another")]
    response = submit(client, people, {"add-another": "no"})
    assert response.headers["Location"] == f"/cases/{reference}/children"

    # Two siblings, each with an assessment of their own starting on its date.
    for name, born in (("Robin Example", "2016"), ("Sky Example", "2019")):
        response = submit(
            client,
            f"/cases/{reference}/children/new",
            {
                "child_name": name,
                "unborn": "no",
                "child_date_of_birth-day": "1",
                "child_date_of_birth-month": "6",
                "child_date_of_birth-year": born,
                "assessment_start_date-day": "4",
                "assessment_start_date-month": "3",
                "assessment_start_date-year": "2025",
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    response = submit(client, f"/cases/{reference}/children", {"add-another": "no"})
    assert response.headers["Location"] == f"/cases/{reference}"
    case = client.get(f"/cases/{reference}").get_data(as_text=True)
    assert "Robin Example" in case and "Sky Example" in case
    first, second = child_keys(app, reference)
    assert child_answers(app, reference, first)["assessment_start_date"] == "2025-03-04"
    assert re.fullmatch(r"child-[0-9a-f]{8}", second)  # no name in the address


def test_a_person_is_changed_and_removed_only_after_confirming(app, client, example_case):
    page = f"/cases/{example_case}/household/case/household"
    before = household(app, example_case)["household_members"]
    first = before[0]
    change = f"{page}/household_members/{first['id']}"
    assert (
        submit(
            client,
            change,
            {
                **{k: v for k, v in first.items() if isinstance(v, str)},
                "name": "Renamed Example",
                "parental_responsibility": "yes",
                "interpreter_needed": "no",
            },
        ).status_code
        == 302
    )
    assert household(app, example_case)["household_members"][0]["name"] == "Renamed Example"

    remove = f"{change}/remove"
    assert "Are you sure you want to remove Renamed Example" in client.get(remove).get_data(as_text=True)
    assert submit(client, remove, {}).status_code == 400
    submit(client, remove, {"confirm": "no"})
    assert len(household(app, example_case)["household_members"]) == len(before)
    submit(client, remove, {"confirm": "yes"})
    assert [p["id"] for p in household(app, example_case)["household_members"]] == [
        p["id"] for p in before[1:]
    ]


# --- question pages ------------------------------------------------------------------------------


def test_every_page_of_every_section_renders_for_a_real_case(app, client, example_case):
    form = load_spec(SPEC_DIR, "general")
    seen_types = set()
    for section in form.sections:
        scope = "household" if section.scope == "household" else "children/child-tilly"
        for page in section.pages:
            response = client.get(f"/cases/{example_case}/{scope}/{section.id}/{page.id}")
            # The review's pages are a manager's; a page of decisions only has pages of its own.
            answered = {field.answered_by for field in page.fields}
            expected = 403 if "approve" in answered else 200 if "edit_assessment" in answered else 404
            assert response.status_code == expected, (section.id, page.id)
            seen_types |= {field.type for field in page.fields}
        assert client.get(f"/cases/{example_case}/{scope}/{section.id}/check").status_code == 200
    assert seen_types >= {
        "text",
        "long_text",
        "yes_no",
        "single_choice",
        "multiple_choice",
        "date",
        "time",
        "group",
    }


def test_an_error_names_the_field_keeps_what_was_typed_and_links_to_the_wrong_part(client, example_case):
    path = f"/cases/{example_case}/household/case/referral"
    response = submit(
        client,
        path,
        {
            "referral_date-day": "31",
            "referral_date-month": "",
            "referral_date-year": "2025",
            "referral_source": "Typed & kept <b>",
            "referral_reason": "",
        },
    )
    assert response.status_code == 400
    page = tree(response)
    assert page.findtext(".//title").startswith("Error: The referral")
    assert summary_links(response) == [
        ("The date the referral was received must include a month", "#referral_date-month"),
        ("Select the source of the referral", "#referral_source_code"),
        ("Enter why the child or family was referred", "#referral_reason"),
    ]
    assert page.xpath("//input[@id='referral_date-day']/@value") == ["31"]
    assert page.xpath("//input[@id='referral_source']/@value") == ["Typed & kept <b>"]
    assert "govuk-input--error" in page.xpath("//input[@id='referral_date-month']/@class")[0]
    assert "govuk-input--error" not in page.xpath("//input[@id='referral_date-day']/@class")[0]

    impossible = submit(
        client, path, {"referral_date-day": "30", "referral_date-month": "2", "referral_date-year": "2025"}
    )
    assert ("The date the referral was received must be a real date", "#referral_date-day") in summary_links(
        impossible
    )


def test_a_follow_up_is_revealed_under_its_choice_and_required_only_when_chosen(app, client, example_case):
    path = f"/cases/{example_case}/household/case/history"
    page = tree(client.get(path))
    # The follow-up sits in the conditional container of the "Yes" choice, in the HTML without JavaScript.
    assert page.xpath(
        "//div[contains(@class,'govuk-radios__conditional')]//textarea[@name='early_help_findings']"
    )
    response = submit(
        client,
        path,
        {"previous_involvement": "None known", "early_help_assessment": "yes", "early_help_findings": ""},
    )
    assert response.status_code == 400
    assert [href for _, href in summary_links(response)] == ["#early_help_findings"]
    response = submit(
        client,
        path,
        {
            "previous_involvement": "None known",
            "early_help_assessment": "no",
            "early_help_findings": "typed then unticked",
        },
    )
    assert response.status_code == 302
    # Nothing typed is lost: the hidden follow-up's text is kept, but it is not asked.
    assert household(app, example_case)["early_help_findings"] == "typed then unticked"


def test_manager_decisions_are_not_asked_of_a_practitioner(client, example_case):
    page = client.get(f"/cases/{example_case}/children/child-tilly/child_views/seeing_the_child").get_data(
        as_text=True
    )
    assert 'name="child_seen"' in page
    assert "child_not_seen_explanation" not in page
    tasks = client.get(f"/cases/{example_case}/children/child-tilly").get_data(as_text=True)
    assert "For a manager" in tasks


def test_save_and_come_back_later_keeps_a_partial_page(app, client, example_case):
    path = f"/cases/{example_case}/household/case/referral"
    response = submit(
        client,
        path,
        {
            "referral_source": "Saved for later",
            "referral_reason": "",
            "action": "save-later",
            "referral_date-day": "6",
            "referral_date-month": "10",
            "referral_date-year": "2025",
        },
    )
    assert response.status_code == 302
    assert household(app, example_case)["referral_source"] == "Saved for later"
    assert "referral_reason" not in household(app, example_case)
    assert tree(client.get(path)).xpath("//input[@id='referral_source']/@value") == ["Saved for later"]


def test_save_later_still_refuses_what_cannot_be_read(client, example_case):
    path = f"/cases/{example_case}/household/case/referral"
    response = submit(
        client,
        path,
        {
            "referral_date-day": "99",
            "referral_date-month": "1",
            "referral_date-year": "2025",
            "action": "save-later",
        },
    )
    assert response.status_code == 400
    assert tree(response).xpath("//input[@id='referral_date-day']/@value") == ["99"]


def test_an_edit_conflict_is_refused_and_shows_what_was_typed(app, client, example_case):
    from tests.web.conftest import sign_in

    other = app.test_client()
    sign_in(other)
    path = f"/cases/{example_case}/household/family/family_functioning"
    _, opened_at = _opened(client, path)
    assert (
        submit(
            other,
            path,
            {
                "family_history": "Saved first by the other tab",
                "wider_family_support": "Aunt",
                "family_group_conference": "arranged",
            },
        ).status_code
        == 302
    )

    token, _ = _opened(client, path)
    response = client.post(
        path,
        data={
            "csrf_token": token,
            "version": opened_at,
            "family_history": "Typed second",
            "wider_family_support": "Aunt",
            "family_group_conference": "arranged",
        },
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Your answers have not been saved" in page and "Typed second" in page
    assert household(app, example_case)["family_history"] == "Saved first by the other tab"
    # Saving again from the page that showed the conflict is a deliberate choice, and goes through.
    again = tree(response).xpath("//input[@name='version']/@value")[0]
    assert (
        client.post(
            path,
            data={
                "csrf_token": token,
                "version": again,
                "family_history": "Typed second",
                "wider_family_support": "Aunt",
                "family_group_conference": "arranged",
            },
        ).status_code
        == 302
    )
    assert household(app, example_case)["family_history"] == "Typed second"


def _opened(client, path):
    from tests.web.conftest import form_token

    return form_token(client, path)


def test_check_answers_change_returns_to_check_answers_asking_a_new_follow_up_first(
    app, client, example_case
):
    base = f"/cases/{example_case}/children/child-kai/harm"
    check = client.get(f"{base}/check")
    change = tree(check).xpath("//a[contains(@href,'extra_familial_harm')]/@href")[0]
    assert change.endswith("?return=check")
    answers = child_answers(app, example_case, "child-kai")
    chosen = {"harm_contexts": answers["harm_contexts"], "harm_forms": ["trafficking"], "sibling_risk": ""}
    response = submit(client, change, chosen)
    # The answer brings in a question on the same page: the page is asked again first.
    assert response.status_code == 302 and response.headers["Location"] == change
    assert child_answers(app, example_case, "child-kai")["harm_forms"] == ["trafficking"]
    response = submit(client, change, {**chosen, "harm_details": "Older boys at the park"})
    assert response.headers["Location"] == f"{base}/trafficking_referrals?return=check"
    response = submit(
        client,
        response.headers["Location"],
        {
            "nrm_referral_date-day": "10",
            "nrm_referral_date-month": "10",
            "nrm_referral_date-year": "2025",
            "ictg_referred": "no",
            "ictg_not_referred_reason": "Not in this area",
        },
    )
    assert response.headers["Location"] == f"{base}/check"
    assert "Not in this area" in client.get(f"{base}/check").get_data(as_text=True)


def test_the_task_list_shows_statuses_the_timescale_and_the_documents(client, example_case):
    page = tree(client.get(f"/cases/{example_case}/children/child-tilly"))
    statuses = [
        " ".join(s.text_content().split())
        for s in page.xpath("//div[contains(@class,'govuk-task-list__status')]")
    ]
    assert statuses.count("Completed") >= 8 and "For a manager" in statuses
    text = page.text_content()
    assert "8 December 2025" in text  # the sibling group's due date: 45 working days from 6 October 2025
    links = page.xpath("//a[contains(@href,'/documents/')]/@href")
    assert sorted(link.rsplit("/", 1)[1] for link in links) == [
        f"{kind}.{extension}"
        for kind in ("child", "chronology", "plan", "record")
        for extension in ("docx", "pdf")
    ]


def test_the_record_downloads_with_the_saved_answers(client, example_case):
    response = client.get(f"/cases/{example_case}/children/child-tilly/documents/record.docx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert "Tilly" in text and "Hilltop" not in text


def test_home_lists_assessments_soonest_due_first(client, app):
    from formgen.web.commands import import_case
    from tests.support import load_example
    from tests.web.conftest import EMAIL

    for name in ("sibling-group", "pre-birth", "unaccompanied-asylum-seeker"):
        import_case(app, load_example(name), EMAIL, name)
    rows = tree(client.get("/")).xpath("//tbody/tr")
    dues = [row.xpath("./td[3]")[0].text_content().strip() for row in rows]
    assert dues[0] == "27 October 2025"  # the pre-birth case: 4 weeks before the expected delivery
    assert dues[-1] == "13 March 2026"
    assert len(rows) == 5


def test_a_case_downloads_as_the_case_file_it_was_imported_from(client, example_case):
    from tests.support import load_example

    response = client.get(f"/cases/{example_case}/case-file.json")
    assert response.mimetype == "application/json"
    exported, imported = json.loads(response.data), load_example("sibling-group").model_dump(mode="json")
    assert exported["household"] == imported["household"]
    assert [child["answers"] for child in exported["children"]] == [
        c["answers"] for c in imported["children"]
    ]
    assert exported["allocation"]["worker"]["email"] == "sam.practitioner@example.org"


def test_a_number_question_added_by_an_overlay_is_asked_and_checked(tmp_path, monkeypatch):
    rooms = (
        "  - add_field:\n      page: environment\n"
        "      field: {id: rooms, type: number, label: 'How many bedrooms are there?',\n"
        "              name: the number of bedrooms, min: 0, max: 20}\n"
    )
    app, client, reference = with_overlay(tmp_path, monkeypatch, lambda overlay: overlay + rooms)
    path = f"/cases/{reference}/household/family/environment"
    stored = household(app, reference)
    page = {
        key: stored[key]
        for key in ("housing", "employment", "income", "social_integration", "community_resources")
    }
    assert tree(client.get(path)).xpath("//input[@id='rooms']/@inputmode") == ["decimal"]
    assert summary_links(submit(client, path, {**page, "rooms": "three"})) == [
        ("The number of bedrooms must be a number", "#rooms")
    ]
    assert summary_links(submit(client, path, {**page, "rooms": "30"})) == [
        ("The number of bedrooms must be 20 or less", "#rooms")
    ]
    assert submit(client, path, {**page, "rooms": "3"}).status_code == 302
    assert household(app, reference)["rooms"] == 3


def test_home_marks_a_finished_assessment_completed_while_the_manager_review_waits(client, example_case):
    rows = tree(client.get("/")).xpath("//tbody/tr")
    statuses = {row.xpath("./td[5]/strong")[0].text_content().strip() for row in rows}
    assert statuses == {"Ready to send"}


def test_follow_ups_inside_a_list_item_are_revealed_under_their_choice(client, example_case):
    page = tree(client.get(f"/cases/{example_case}/household/case/household/household_members/new"))
    revealed = page.xpath(
        "//div[contains(@class,'govuk-radios__conditional')]//input[@name='interpreter_arranged']"
    )
    assert revealed, "the interpreter follow-up should sit under 'Yes'"
    assert page.findtext(".//h1").strip() == "Add a person"


def test_a_list_brought_in_by_an_answer_is_asked_next_not_reported_as_an_error(app, client, example_case):
    path = f"/cases/{example_case}/children/child-kai/child_views/seeing_the_child"
    answers = child_answers(app, example_case, "child-kai")
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == example_case))
        child = case.child("child-kai")
        child.answers = {
            key: value for key, value in answers.items() if key not in {"child_seen", "child_visits"}
        }
        db.session.commit()
    add_visit = f"{path}/child_visits/new"
    assert client.get(add_visit).status_code == 404  # not asked until the child has been seen
    response = submit(client, path, {"child_seen": "yes"})
    assert response.status_code == 302 and response.headers["Location"] == path
    assert child_answers(app, example_case, "child-kai")["child_seen"] is True
    assert "Add a visit" in client.get(path).get_data(as_text=True)
    assert client.get(add_visit).status_code == 200
    # Now the list is on screen, continuing without a visit is an error.
    assert submit(client, path, {"child_seen": "yes"}).status_code == 400


def test_buttons_and_titles_use_an_before_a_vowel(client, example_case):
    page = client.get(f"/cases/{example_case}/household/plan/agencies").get_data(as_text=True)
    assert "Add an agency" in page and "Add a agency" not in page


def test_a_person_is_not_offered_as_confidential_from_themselves(app, client, example_case):
    members = household(app, example_case)["household_members"]
    page = tree(
        client.get(f"/cases/{example_case}/household/case/household/household_members/{members[0]['id']}")
    )
    offered = page.xpath("//input[@name='contact_confidential_from']/@value")
    assert members[0]["id"] not in offered and members[1]["id"] in offered


def test_a_completed_assessment_is_timed_at_its_completion_and_an_open_late_one_is_overdue(
    app, client, example_case
):
    tasks = tree(client.get(f"/cases/{example_case}/children/child-tilly"))
    assert "Overdue" not in tasks.text_content()
    keys = [" ".join(key.text_content().split()) for key in tasks.xpath("//dt")]
    values = [" ".join(value.text_content().split()) for value in tasks.xpath("//dd")]
    assert int(dict(zip(keys, values, strict=False))["Working days used"]) < 45
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == example_case))
        child = case.child("child-kai")
        child.answers = {key: value for key, value in child.answers.items() if key != "completion_date"}
        summaries.refresh(case)  # changed here, not by a save: its summary too
        db.session.commit()
    assert "Overdue" in client.get(f"/cases/{example_case}/children/child-kai").get_data(as_text=True)
    home = tree(client.get("/"))
    kai = next(row for row in home.xpath("//tbody/tr") if "Kai" in row.text_content())
    assert "Overdue" in kai.text_content()


def test_a_save_that_fails_in_the_database_leaves_the_last_good_version(app, client, example_case):
    from sqlalchemy import text

    path = f"/cases/{example_case}/household/family/family_functioning"
    before = household(app, example_case)
    with app.app_context():
        # A real failure inside the database, as a full disk or a dropped connection would give.
        db.session.execute(
            text("CREATE TRIGGER refuse BEFORE UPDATE ON cases BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        )
        db.session.commit()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = submit(
        client,
        path,
        {"family_history": "Lost?", "wider_family_support": "Aunt", "family_group_conference": "arranged"},
    )
    assert response.status_code == 500
    assert "Answers saved before it are safe" in response.get_data(as_text=True)
    assert household(app, example_case) == before
    with app.app_context():
        db.session.execute(text("DROP TRIGGER refuse"))
        db.session.commit()
    assert (
        submit(
            client,
            path,
            {
                "family_history": "Saved after",
                "wider_family_support": "Aunt",
                "family_group_conference": "arranged",
            },
        ).status_code
        == 302
    )


def test_a_child_is_removed_from_the_case_only_after_confirming(app, client, example_case):
    path = f"/cases/{example_case}/children/child-poppy/remove"
    assert "Are you sure you want to remove Poppy Dacres?" in client.get(path).get_data(as_text=True)
    assert submit(client, path, {"confirm": "no"}).headers["Location"] == f"/cases/{example_case}/children"
    assert child_keys(app, example_case) == ["child-tilly", "child-kai", "child-poppy"]
    submit(client, path, {"confirm": "yes"})
    assert child_keys(app, example_case) == ["child-tilly", "child-kai"]
    assert client.get(f"/cases/{example_case}/children/child-poppy").status_code == 404


def test_saving_a_page_keeps_the_answer_to_a_follow_up_it_did_not_show(app, client, example_case):
    # Kai's assessment finished on time, so the page does not ask why it was late; a reason typed
    # earlier is still stored. Moving the date past the due date must bring that reason back, not lose it.
    with app.app_context():
        child = db.session.scalar(db.select(Case).where(Case.reference == example_case)).child("child-kai")
        child.answers = {**child.answers, "late_reason": "Waiting for the school's report"}
        db.session.commit()
    path = f"/cases/{example_case}/children/child-kai/outcome/completion"
    assert 'name="late_reason"' not in client.get(path).get_data(as_text=True)
    late = {"completion_date-day": "10", "completion_date-month": "12", "completion_date-year": "2025"}
    assert submit(client, path, late).status_code == 302
    assert child_answers(app, example_case, "child-kai")["late_reason"] == "Waiting for the school's report"


def test_add_on_a_page_with_other_questions_saves_what_was_typed_first(app, client, example_case):
    path = f"/cases/{example_case}/household/plan/agencies"
    response = submit(
        client, path, {"professional_disagreements": "Typed before adding", "add": "agencies_consulted"}
    )
    assert response.headers["Location"] == f"{path}/agencies_consulted/new"
    assert household(app, example_case)["professional_disagreements"] == "Typed before adding"


def test_add_another_keeps_the_journey_going_where_it_was(client, app):
    reference = re.search(
        r"/cases/([^/]+)/", submit(client, "/cases/new", REFERRAL).headers["Location"]
    ).group(1)
    people = f"/cases/{reference}/household/case/household?then=children"
    submit(
        client,
        f"/cases/{reference}/household/case/household/household_members/new?then=children",
        {
            "name": "Ash Example",
            "relationship": "father",
            "parental_responsibility": "yes",
            "first_language": "English",
            "interpreter_needed": "no",
        },
    )
    response = submit(client, people, {"add-another": "yes"})
    assert response.headers["Location"].endswith("/household_members/new?then=children")


def test_a_list_names_people_chosen_from_another_list(app, client, example_case):
    page = client.get(f"/cases/{example_case}/household/parenting/parents_and_carers").get_data(as_text=True)
    assert "Shannon Colbeck" in page and "p-mother" not in page


def test_the_case_file_downloads_under_its_reference(client, example_case):
    response = client.get(f"/cases/{example_case}/case-file.json")
    assert response.headers["Content-Disposition"] == f"attachment; filename={example_case}.json"


def test_a_removal_from_a_stale_page_is_refused_and_removes_nothing(app, client, example_case):
    from tests.web.conftest import form_token, sign_in

    members = household(app, example_case)["household_members"]
    remove = f"/cases/{example_case}/household/case/household/household_members/{members[0]['id']}/remove"
    token, opened_at = form_token(client, remove)
    other = app.test_client()
    sign_in(other)
    referral = f"/cases/{example_case}/household/case/referral"
    assert (
        submit(
            other, referral, {"action": "save-later", "referral_source": "Changed in another tab"}
        ).status_code
        == 302
    )
    response = client.post(remove, data={"csrf_token": token, "version": opened_at, "confirm": "yes"})
    assert response.status_code == 409
    assert "Your answers have not been saved" in response.get_data(as_text=True)
    assert household(app, example_case)["household_members"] == members
