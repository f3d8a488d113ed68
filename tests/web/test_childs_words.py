"""K3 in the wizard: the words for the child are asked beside the practitioner's notes, on the same page."""

from lxml import html as lxml_html

from tests.web.conftest import post_as_a_browser
from tests.web.test_wizard import child_answers

HINT = "This goes into the child's version in place of your notes"


def _page(client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    return lxml_html.fromstring(response.get_data(as_text=True))


def test_the_childs_words_are_asked_on_the_notes_page_with_a_hint_saying_where_they_go(
    app, client, example_case
):
    path = f"/cases/{example_case}/children/child-kai/child_views/childs_views"
    page = _page(client, path)
    names = [element.get("name") for element in page.xpath("//form[@id='page-form']//textarea")]
    # The notes first, their words for the child straight after.
    assert names.index("child_views_for_child") == names.index("child_views_text") + 1
    label = page.xpath("//label[@for='child_views_for_child']")[0].text_content().strip()
    assert label == "How would you tell the child what they told you?"
    hint = page.xpath("//*[@id='child_views_for_child-hint']")[0].text_content()
    assert HINT in hint and "9 to 11" in hint
    described = page.xpath("//textarea[@name='child_views_for_child']")[0].get("aria-describedby")
    assert "child_views_for_child-hint" in described

    words = "You like your new room. You miss your friends at football."
    response = post_as_a_browser(client, path, {"child_views_for_child": words})
    assert response.status_code == 302
    assert child_answers(app, example_case, "child-kai")["child_views_for_child"] == words


def test_left_blank_the_childs_words_are_asked_for_like_any_required_answer(app, client, example_case):
    path = f"/cases/{example_case}/children/child-kai/child_views/childs_views"
    response = post_as_a_browser(client, path, {"child_views_for_child": "  "})
    assert response.status_code == 400
    page = lxml_html.fromstring(response.get_data(as_text=True))
    links = page.xpath("//div[@class='govuk-error-summary']//a")
    assert [(a.text_content().strip(), a.get("href")) for a in links] == [
        ("Enter what the child told you, in words for the child", "#child_views_for_child")
    ]


def test_a_plan_step_is_put_in_words_for_the_child_only_when_it_concerns_them(app, client, example_case):
    path = f"/cases/{example_case}/children/child-kai/outcome/plan_of_action_page/plan_of_action/s-kai-nurse"
    page = _page(client, path)
    hint = page.xpath("//*[@id='for_child-hint']")[0].text_content()
    assert "Leave it blank for help for the adults" in hint
    assert page.xpath("//input[@name='when_for_child']")

    # A step put in words for the child needs its "when" in words too, not the plan's review date.
    response = post_as_a_browser(client, path, {"for_child": "See the nurse", "when_for_child": " "})
    assert response.status_code == 400
    links = lxml_html.fromstring(response.get_data(as_text=True)).xpath(
        "//div[@class='govuk-error-summary']//a"
    )
    assert [(a.text_content().strip(), a.get("href")) for a in links] == [
        ("Enter when it will happen, in words for the child", "#when_for_child")
    ]
    response = post_as_a_browser(client, path, {"for_child": "See the nurse", "when_for_child": "In May"})
    assert response.status_code == 302
    [nurse] = [
        step
        for step in child_answers(app, example_case, "child-kai")["plan_of_action"]
        if step["id"] == "s-kai-nurse"
    ]
    assert (nurse["for_child"], nurse["when_for_child"]) == ("See the nurse", "In May")
