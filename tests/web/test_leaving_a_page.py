"""Back, Change and Remove never throw away what was typed: they save it first, or ask (issue 6)."""

from __future__ import annotations

from tests.web.conftest import submit
from tests.web.test_wizard import household, summary_links, tree

PEOPLE = "household/case/household"


def test_back_saves_what_was_typed_before_going_back_to_the_tasks(app, client, example_case):
    path = f"/cases/{example_case}/household/family/family_functioning"
    response = submit(client, path, {"family_history": "Typed, then Back", "leave": "back"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{example_case}"
    assert household(app, example_case)["family_history"] == "Typed, then Back"


def test_back_is_a_button_of_the_pages_form_and_enter_still_means_continue(client, example_case):
    page = tree(client.get(f"/cases/{example_case}/household/family/family_functioning"))
    back = page.xpath("//button[@name='leave'][not(starts-with(@value, 'language:'))]")  # not the toggle
    assert [(button.get("form"), button.get("value"), button.text_content()) for button in back] == [
        ("page-form", "back", "Back")
    ]
    # The first submit button of the form, in page order, is the one Enter presses: an empty one.
    first = page.xpath("//button[@form='page-form' or ancestor::form[@id='page-form']]")[0]
    assert first.get("name") is None and first.text_content() == ""
    assert page.xpath("//form[@id='page-form']")


def test_back_with_something_unreadable_keeps_it_and_offers_to_leave_without_saving(
    app, client, example_case
):
    path = f"/cases/{example_case}/household/case/referral"
    before = household(app, example_case)
    response = submit(
        client,
        path,
        {
            "referral_date-day": "31",
            "referral_date-month": "2",
            "referral_date-year": "2025",
            "leave": "back",
        },
    )
    assert response.status_code == 400
    assert summary_links(response)[0][1] == "#referral_date-day"
    assert tree(response).xpath("//input[@id='referral_date-day']/@value") == ["31"]
    leave = tree(response).xpath("//*[@id='unsaved']//a")
    assert [(link.text_content(), link.get("href")) for link in leave] == [
        ("leave this page without saving them", f"/cases/{example_case}")
    ]
    assert household(app, example_case) == before


def test_change_and_remove_on_a_list_page_save_the_page_first(app, client, example_case):
    path = f"/cases/{example_case}/{PEOPLE}"
    page = tree(client.get(path))
    assert page.xpath("//button[@name='change' and @value='household_members/p-mother']")
    assert not page.xpath("//a[text()='Change']")
    response = submit(client, path, {"add-another": "no", "change": "household_members/p-mother"})
    assert response.headers["Location"] == f"{path}/household_members/p-mother"
    response = submit(client, path, {"remove": "household_members/p-grandmother"})
    assert response.headers["Location"] == f"{path}/household_members/p-grandmother/remove"
    assert submit(client, path, {"change": "household_members/p-nobody"}).status_code == 404


def test_change_on_a_page_with_other_questions_saves_them_first(app, client, example_case):
    path = f"/cases/{example_case}/household/plan/agencies"
    first = household(app, example_case)["agencies_consulted"][0]["id"]
    typed = {"professional_disagreements": "Typed before changing an agency"}
    response = submit(client, path, {**typed, "change": f"agencies_consulted/{first}"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{path}/agencies_consulted/{first}"
    assert household(app, example_case)["professional_disagreements"] == typed["professional_disagreements"]


def test_back_from_an_item_with_typing_asks_and_without_typing_just_goes(app, client, example_case):
    list_page = f"/cases/{example_case}/{PEOPLE}"
    new = f"{list_page}/household_members/new"
    assert submit(client, new, {"leave": "back"}).headers["Location"] == list_page
    response = submit(client, new, {"name": "Half-typed Person", "leave": "back"})
    assert response.status_code == 200
    assert tree(response).xpath("//input[@id='name']/@value") == ["Half-typed Person"]
    assert tree(response).xpath("//*[@id='unsaved']//a/@href") == [list_page]
    assert "Half-typed Person" not in str(household(app, example_case)["household_members"])


def test_back_from_a_new_case_with_typing_asks(app, client):
    assert submit(client, "/cases/new", {"leave": "back"}).headers["Location"] == "/"
    response = submit(client, "/cases/new", {"referral_source": "A neighbour", "leave": "back"})
    assert response.status_code == 200
    assert tree(response).xpath("//input[@id='referral_source']/@value") == ["A neighbour"]
    assert tree(response).xpath("//*[@id='unsaved']//a/@href") == ["/"]
