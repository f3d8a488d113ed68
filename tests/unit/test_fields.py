"""The field layer: each spec field type becomes its GOV.UK component's parameters."""

import json

import pytest
from markupsafe import Markup

from formgen.spec.form import FieldInfo
from formgen.spec.model import FormField, Page, Section
from formgen.web.fields import FieldView, params

SECTION = Section(
    id="s",
    title="S",
    scope="child",
    pages=[Page(id="p", title="P", fields=[FormField(id="x", type="text", label="X")])],
)


def view(field: FormField, raw="", **kwargs) -> FieldView:
    return FieldView(FieldInfo(field, SECTION, SECTION.pages[0], None, None), raw, **kwargs)


def render(child: FieldView) -> Markup:
    return Markup(f"<p>{child.id}</p>")


@pytest.mark.parametrize(
    ("field_type", "component"),
    [
        ("text", "govukInput"),
        ("number", "govukInput"),
        ("time", "govukInput"),
        ("long_text", "govukTextarea"),
        ("yes_no", "govukRadios"),
        ("single_choice", "govukRadios"),
        ("multiple_choice", "govukCheckboxes"),
        ("date", "govukDateInput"),
    ],
)
def test_every_type_maps_to_its_component_and_never_says_required(field_type, component):
    extra = {"choices": [{"value": "a", "label": "A"}]} if "choice" in field_type else {}
    field = FormField(id="q", type=field_type, label="Question?", required=True, name="the answer", **extra)
    built = view(field)
    assert built.component == component
    assert "required" not in json.dumps(params(built, render))


def test_a_page_heading_question_has_a_large_label_that_is_the_h1():
    field = FormField(id="q", type="text", label="Who made the referral?", required=True, name="who")
    built = params(view(field, heading=True), render)
    assert built["label"] == {
        "text": "Who made the referral?",
        "isPageHeading": True,
        "classes": "govuk-label--l",
    }


def test_a_date_error_marks_only_the_wrong_part_and_links_to_it():
    field = FormField(id="seen", type="date", label="When?")
    built = view(
        field, {"day": "3", "month": "", "year": "2025"}, error="must include a month", error_part="month"
    )
    items = params(built, render)["items"]
    assert ["govuk-input--error" in item["classes"] for item in items] == [False, True, False]
    assert built.anchor == "seen-month"
    assert view(field).anchor == "seen-day"


def test_a_whole_date_error_marks_every_part():
    field = FormField(id="seen", type="date", label="When?")
    items = params(view(field, {}, error="Enter the date"), render)["items"]
    assert all("govuk-input--error" in item["classes"] for item in items)


def test_a_follow_up_is_rendered_inside_its_choice():
    parent = FormField(id="seen", type="yes_no", label="Seen alone?")
    child = view(FormField(id="why", type="long_text", label="Why not?"))
    built = params(view(parent, "no", reveals={"no": [child]}), render)
    no = built["items"][1]
    assert no["checked"] is True and no["conditional"]["html"] == Markup("<p>why</p>")
    assert "classes" not in built  # inline radios cannot hold a reveal


def test_an_exclusive_choice_is_set_apart_and_clears_the_others():
    field = FormField(
        id="f",
        type="multiple_choice",
        label="Factors?",
        exclusive=["21"],
        choices=[{"value": "1A", "label": "One"}, {"value": "21", "label": "None"}],
    )
    items = params(view(field, ["1A"]), render)["items"]
    assert items[0]["checked"] is True
    assert items[1] == {"divider": "or"}
    assert items[2]["behaviour"] == "exclusive"


def test_choices_from_a_list_offer_its_items_by_id():
    field = FormField(id="who", type="single_choice", label="Which parent?", choices_from="people")
    items = params(view(field, "p2", people={"p1": "Ann", "p2": "Ben"}), render)["items"]
    assert [(item["value"], item["text"], item["checked"]) for item in items] == [
        ("p1", "Ann", False),
        ("p2", "Ben", True),
    ]


def test_a_question_that_needs_no_answer_says_so_in_its_label_as_gov_uk_asks():
    optional = FormField(id="q", type="text", label="What is their phone number?")
    follow_up = FormField(id="r", type="text", label="Why?", required_if="unborn = yes", name="why")
    choice = FormField(id="s", type="yes_no", label="Seen alone?")
    assert params(view(optional), render)["label"]["text"] == "What is their phone number? (optional)"
    assert params(view(follow_up), render)["label"]["text"] == "Why?"
    assert params(view(choice), render)["fieldset"]["legend"]["text"] == "Seen alone? (optional)"
