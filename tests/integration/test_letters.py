"""How the outcome letter, the addressed plan and the record's circulation log read (I3 to I5, K2),
opened with python-docx as a reader would see them: what is printed, in which order, in which part."""

import copy
import io
from datetime import UTC, datetime

from docx import Document

from formgen.documents import build_context, render_document
from formgen.engine.distribution import Method, Sending
from formgen.engine.review import Person
from tests.integration.test_documents import all_text, all_text_with_headers
from tests.support import TODAY, load_example

KAI = "child-kai"


def body_paragraphs(content: bytes) -> list[str]:
    return [paragraph.text for paragraph in Document(io.BytesIO(content)).paragraphs if paragraph.text]


def in_order(text: str, parts: list[str]) -> bool:
    position = 0
    for part in parts:
        found = text.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def footers(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    section = document.sections[0]
    return "\n".join(
        paragraph.text
        for footer in (section.footer, section.first_page_footer)
        for paragraph in footer.paragraphs
    )


def test_the_outcome_is_a_letter_to_its_recipient_from_address_to_signature(form, store):
    case = load_example("sibling-group")
    father = case.recipient("father")
    content = render_document(form, store, case, KAI, "outcome", today=TODAY, recipient=father)
    context = build_context(form, case, KAI, "outcome", today=TODAY, recipient=father)
    recipient, letter, worker = context["recipient"], context["letter"], context["worker"]
    text = "\n".join(body_paragraphs(content))
    assert in_order(
        text,
        [
            context["authority"]["name"],
            context["authority"]["address"],
            recipient["name"],
            *recipient["address_lines"],
            context["generated_on"],
            "The outcome of the assessment of Kai Dacres",
            recipient["salutation"],
            letter["opening"],
            f"Approved by: {context['approval']['by']}",
            f"Date approved: {context['approval']['date']}",
            "Who to contact",
            letter["contact"],
            letter["closing"],
            letter["signoff"],
            worker["name"],
            worker["role"],
            "Who has a copy of this letter",
            *(entry["name"] for entry in context["recipients"]),
        ],
    )
    assert letter["withheld"] not in text
    assert recipient["prepared_for"] in footers(content)
    assert "OFFICIAL-SENSITIVE" in footers(content)
    # What was decided: the outcome's sections, as tables.
    assert context["sections"] and all(section["title"] in text for section in context["sections"])


def test_an_outcome_withheld_from_its_reader_prints_the_reason_and_not_the_outcome(form, store):
    case = load_example("sibling-group")
    case.child(KAI).answers["outcome_withheld"] = True
    police = case.recipient("police")
    content = render_document(form, store, case, KAI, "outcome", today=TODAY, recipient=police)
    context = build_context(form, case, KAI, "outcome", today=TODAY, recipient=police)
    text = all_text(content)
    assert context["outcome"]["withheld_from_reader"]
    assert context["letter"]["withheld"] in text
    assert context["letter"]["opening"] not in text, "it promises what the letter cannot say"
    assert "Approved by:" not in text
    assert not any(section["title"] in body_paragraphs(content) for section in context["sections"])
    assert context["letter"]["signoff"] in text, "still a whole letter, signed"


def test_a_recipient_with_only_an_email_address_has_it_under_their_name(form, store):
    case = load_example("sibling-group")
    mother = case.recipient("mother")
    assert not mother.address and mother.email
    paragraphs = body_paragraphs(
        render_document(form, store, case, KAI, "outcome", today=TODAY, recipient=mother)
    )
    name = paragraphs.index("Shannon Colbeck")
    assert paragraphs[name + 1] == mother.email


def test_the_plan_is_addressed_to_its_recipient_and_says_who_has_a_copy(form, store):
    case = load_example("sibling-group")
    father = case.recipient("father")
    content = render_document(form, store, case, KAI, "plan", today=TODAY, recipient=father)
    context = build_context(form, case, KAI, "plan", today=TODAY, recipient=father)
    text = "\n".join(body_paragraphs(content))
    assert in_order(
        text,
        [
            "Marcus Dacres",
            *context["recipient"]["address_lines"],
            "Assessment plan",
            "Dear Marcus Dacres,",
            context["letter"]["plan_opening"],
            "Who has a copy of this plan",
            *(entry["name"] for entry in context["recipients"]),
            "End of plan",
        ],
    )
    assert "because you are taking part" not in text
    assert "Prepared for Marcus Dacres on" in footers(content)


def test_a_plan_addressed_to_nobody_has_no_address_and_no_greeting(form, store):
    case = load_example("sibling-group")
    content = render_document(form, store, case, KAI, "plan", today=TODAY)
    paragraphs = body_paragraphs(content)
    assert paragraphs[0] == "Assessment plan"
    assert not any(paragraph.startswith("Dear ") for paragraph in paragraphs)
    assert "Not addressed to anyone" in footers(content)
    assert "End of plan" in paragraphs


def test_the_record_lists_each_copy_sent_or_says_nothing_has_been_sent(form, store):
    case = copy.deepcopy(load_example("sibling-group"))
    case.circulation.clear()
    record = all_text_with_headers(render_document(form, store, case, KAI, "record", today=TODAY))
    assert "Circulation of the plan and outcome" in record
    assert "Nothing has been sent yet." in record
    sent = copy.deepcopy(case)
    sent.circulation.append(
        Sending(
            recipient="police",
            document="plan",
            child=KAI,
            revision=7,
            method=Method.SECURE_EMAIL,
            by=Person(name="Priya Natt"),
            at=datetime(2025, 10, 15, 9, 30, tzinfo=UTC),
        )
    )
    content = render_document(form, store, sent, KAI, "record", today=TODAY)
    table = next(
        table
        for table in Document(io.BytesIO(content)).tables
        if table.rows[0].cells[0].text == "Date" and table.rows[0].cells[1].text == "Sent to"
    )
    assert [cell.text for cell in table.rows[1].cells] == [
        "15 October 2025",
        "PC Dana Whitlock",
        "Assessment plan (revision 7)",
        "Secure email",
        "Priya Natt",
    ]
    assert "Nothing has been sent yet." not in all_text(content)
    # The sending is an event in the chronology too, from the log, not from a typed date (K5).
    chronology = next(
        table
        for table in Document(io.BytesIO(content)).tables
        if [cell.text for cell in table.rows[0].cells] == ["Date", "Event"]
    )
    events = [[cell.text for cell in row.cells] for row in chronology.rows]
    assert ["15 October 2025", "Assessment plan sent to PC Dana Whitlock"] in events
