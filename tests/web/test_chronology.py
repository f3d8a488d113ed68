"""The chronology page (K5, H2): a child's events, filtered by kind and dates, for those who read the
assessment, each view logged; an event added on the wizard's list page is in it at once."""

from __future__ import annotations

from lxml import html as lxml_html

from formgen.web import audit
from formgen.web.commands import create_team, create_user
from formgen.web.extensions import db
from formgen.web.models import Case
from tests.web.conftest import PASSWORD, sign_in, submit
from tests.web.test_history import events

TILLY = "/cases/EX-SIB-01/children/child-tilly"
KAI = "/cases/EX-SIB-01/children/child-kai"
SUPPORT = "bea.support@example.org"


def table(client, path: str) -> list[list[str]]:
    page = lxml_html.fromstring(client.get(path).get_data(as_text=True))
    return [
        [" ".join(cell.text_content().split()) for cell in row.xpath("./td")]
        for row in page.xpath("//table[@id='events']/tbody/tr")
    ]


def test_the_page_lists_every_event_and_a_family_event_in_each_siblings(client, example_case):
    tilly, kai = table(client, f"{TILLY}/chronology"), table(client, f"{KAI}/chronology")
    days = [row[0] for row in tilly]
    assert "6 October 2025" in days and "Referral received" in " ".join(row[1] for row in tilly)
    incident = "Mr Dacres assaulted the children's mother at home"
    assert sum(incident in row[1] for row in tilly) == 1 and sum(incident in row[1] for row in kai) == 1
    assert any("Child seen alone" in row[1] for row in tilly)
    own = next(row for row in tilly if "Stepfather messaged Tilly" in row[1])
    assert "Significance: He is still trying" in own[1] and own[2:] == [
        "Added for this child",
        "Tilly and her mother",
    ]
    assert not any("Stepfather messaged Tilly" in row[1] for row in kai)


def test_filters_by_kind_and_dates_and_a_bad_date_is_an_error_not_a_crash(client, example_case):
    family = table(client, f"{TILLY}/chronology?kind=household")
    assert family and all(row[2] == "Family event" for row in family)
    both = table(client, f"{TILLY}/chronology?kind=household&kind=seen_alone")
    assert any("Child seen alone" in row[1] for row in both) and len(both) > len(family)
    october = table(
        client,
        f"{TILLY}/chronology?from-day=1&from-month=10&from-year=2025&to-day=3&to-month=10&to-year=2025",
    )
    assert october and all(
        row[0] in ("1 October 2025", "2 October 2025", "3 October 2025") for row in october
    )
    assert table(client, f"{TILLY}/chronology?kind=nonsense") == table(client, f"{TILLY}/chronology")
    response = client.get(f"{TILLY}/chronology?from-day=31&from-month=2&from-year=2025&kind=<b>")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and "The first day must be a real date" in body and "<b>" not in body
    reversed_range = client.get(
        f"{TILLY}/chronology?from-day=4&from-month=10&from-year=2025&to-day=3&to-month=10&to-year=2025"
    )
    assert "The last day must be the same as or after the first day" in reversed_range.get_data(as_text=True)


def test_an_event_added_on_the_wizards_list_page_is_in_the_chronology(client, example_case):
    page = lxml_html.fromstring(client.get(f"{KAI}/chronology").get_data(as_text=True))
    links = {
        " ".join(a.text_content().split()): a.get("href") for a in page.xpath("//ul[@id='add-events']//a")
    }
    assert links["Add an event for this child"] == f"{KAI}/analysis/chronology_page"
    assert (
        links["Add an event for the whole family"]
        == "/cases/EX-SIB-01/household/family/household_events_page"
    )
    response = submit(
        client,
        f"{KAI}/analysis/chronology_page/chronology_events/new",
        {
            "event_date-day": "12",
            "event_date-month": "10",
            "event_date-year": "2025",
            "event": "Kai told his teacher he was scared to go home",
            "event_source": "Brindle Lane Primary School",
            "event_significance": "The first time Kai has spoken about it",
        },
    )
    assert response.status_code == 302
    row = next(row for row in table(client, f"{KAI}/chronology") if "scared to go home" in row[1])
    assert row[0] == "12 October 2025" and row[2] == "Added for this child"
    assert "Significance: The first time Kai has spoken about it" in row[1]
    assert not any("scared to go home" in row[1] for row in table(client, f"{TILLY}/chronology"))


def test_each_view_is_logged_for_the_child_and_the_page_needs_the_view_capability(app, client, example_case):
    before = len(events(app, audit.Action.VIEWED))
    assert client.get(f"{TILLY}/chronology").status_code == 200
    viewed = events(app, audit.Action.VIEWED)
    assert len(viewed) == before + 1
    assert [child.name for child in viewed[-1].children] == ["Tilly Dacres"]
    assert viewed[-1].detail.startswith("Chronology (")
    # Business support produce plans but do not read the assessment (A3): no chronology for them.
    create_team(app, "Northbrook Assessment Team")
    create_user(app, SUPPORT, "Bea Support", "business_support", PASSWORD, team="Northbrook Assessment Team")
    support = app.test_client()
    assert sign_in(support, SUPPORT).status_code == 302
    assert support.get(f"{TILLY}/chronology").status_code == 403


def test_the_task_list_links_the_chronology_and_offers_its_document_in_word_and_pdf(client, example_case):
    page = lxml_html.fromstring(client.get(TILLY).get_data(as_text=True))
    links = {" ".join(a.text_content().split()): a.get("href") for a in page.xpath("//a")}
    assert links["Chronology"] == f"{TILLY}/chronology"
    assert links["Chronology (Word)"] == f"{TILLY}/documents/chronology.docx"
    assert links["Chronology (PDF)"] == f"{TILLY}/documents/chronology.pdf"
    response = client.get(f"{TILLY}/documents/chronology.docx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert "Chronology - Tilly Dacres" in response.headers["Content-Disposition"]


def test_the_analysis_page_shows_the_chronology_beside_its_questions_and_links_it_for_narrow_screens(
    client, example_case
):
    page = lxml_html.fromstring(client.get(f"{TILLY}/analysis/analysis_page").get_data(as_text=True))
    panel = page.xpath("//aside[@id='chronology']")
    assert len(panel) == 1
    listed = [" ".join(li.text_content().split()) for li in panel[0].xpath(".//li")]
    assert "14 October 2025 Child seen alone" in listed
    assert sum("Mr Dacres assaulted" in entry for entry in listed) == 1
    # Both ways to the chronology are buttons of the page's form, as Back is, so nothing typed is lost.
    buttons = page.xpath("//button[@name='leave'][@value='chronology']")
    assert len(buttons) == 2 and all(
        button.get("form") == "page-form" or button.xpath("ancestor::form[@id='page-form']")
        for button in buttons
    )
    # Not on the page where the child's own events are added, nor on another section's page.
    for path in (f"{TILLY}/analysis/chronology_page", f"{TILLY}/child_views/seeing_the_child"):
        other = lxml_html.fromstring(client.get(path).get_data(as_text=True))
        assert not other.xpath("//aside[@id='chronology']"), path


def test_going_to_the_chronology_from_the_analysis_saves_what_was_typed_first(app, client, example_case):
    path = f"{TILLY}/analysis/analysis_page"
    response = submit(
        client, path, {"concern_nature_impact": "Typed, then off to the chronology", "leave": "chronology"}
    )
    assert response.status_code == 302 and response.headers["Location"] == f"{TILLY}/chronology"
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == example_case))
        assert (
            case.child("child-tilly").answers["concern_nature_impact"] == "Typed, then off to the chronology"
        )
    # Where the chronology is not offered, the button is not either.
    elsewhere = submit(client, f"{TILLY}/analysis/chronology_page", {"leave": "chronology"})
    assert elsewhere.status_code == 404
