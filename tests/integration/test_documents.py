"""The three Word documents, opened with python-docx: the answers they should hold, and nothing more."""

import copy
import io
import re
import threading
import zipfile
from datetime import datetime

import pytest
from docx import Document
from lxml import etree

from formgen.display import clean_text, format_day
from formgen.documents import TemplateError, TemplateStore, build_context, documents_for, render_document
from formgen.engine import CaseFile
from formgen.spec import load_spec
from tests.readability import flesch_kincaid_grade
from tests.support import TEMPLATE_DIR, TODAY, load_example

HOSTILE = "Tom & Jerry <b>\"quoted\" 'single'</b> مرحبا بك 🙂\x0bsecond line\x07"


def render(form, store, case, child_id, kind, **kwargs) -> bytes:
    return render_document(form, store, case, child_id, kind, today=TODAY, **kwargs)


def all_text(content: bytes) -> str:
    """Every paragraph of body, tables, headers and footers."""
    document = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        for part in (section.header, section.footer):
            parts += [paragraph.text for paragraph in part.paragraphs]
            parts += [cell.text for table in part.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def all_text_with_headers(content: bytes) -> str:
    """The text of every part of the package as rendered, headers included (python-docx's section.header
    can show a header docxtpl has replaced, so read the parts themselves)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = [
            name
            for name in archive.namelist()
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name)
        ]
        texts = ["".join(etree.fromstring(archive.read(name)).itertext()) for name in parts]
    return "\n".join(texts)


def every_document(form, case):
    for child in case.children:
        for kind in documents_for(form, case, child.id, today=TODAY):
            yield child.id, kind


def test_every_document_of_every_example_opens_with_its_marking_authority_and_page_numbers(
    form, store, example
):
    for child_id, kind in every_document(form, example):
        content = render(form, store, example, child_id, kind)
        text = all_text(content)
        name = example.child(child_id).answers["child_name"]
        # An unborn baby "Unborn baby of ..." is named mid-sentence without its capital.
        assert name.split()[0] in text or name[0].lower() + name[1:] in text
        assert "OFFICIAL-SENSITIVE" in text
        assert form.authority.name in text
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            footers = " ".join(
                archive.read(n).decode() for n in archive.namelist() if n.startswith("word/footer")
            )
        assert "PAGE" in footers and "NUMPAGES" in footers


def test_k1_the_record_holds_every_section_the_chronology_and_the_approval(form, store):
    case = load_example("sibling-group")
    child = case.children[0]
    text = all_text(render(form, store, case, child.id, "record"))
    for section in form.sections:
        assert section.title in text, section.title
    assert clean_text(child.answers["child_views_text"]).replace("\n", " ")[:40] in text.replace("\n", " ")
    assert case.household["referral_reason"][:40] in text
    approval = child.review.approval
    assert approval.by.name in text and child.answers["approval_reasoning"][:40] in text
    assert "Referral received" in text and "Assessment authorised" in text  # the chronology (K5)
    assert "DRAFT" not in all_text_with_headers(render(form, store, case, child.id, "record"))


def test_j3_a_record_made_before_approval_says_draft_in_its_header_and_has_no_approval(form, store):
    case = load_example("unaccompanied-asylum-seeker")
    child = case.children[0]
    assert child.review.stage == "sent_for_approval"
    content = render(form, store, case, child.id, "record")
    assert "DRAFT: NOT YET APPROVED" in all_text_with_headers(content)
    assert "Not yet approved." in all_text(content)
    assert "Assessment authorised" not in all_text(content)


def test_k2_the_plan_and_the_record_name_the_revision_they_were_made_from(form, store):
    case = load_example("sibling-group")
    child = case.children[0]
    made = render_document(form, store, case, child.id, "plan", today=TODAY, version="12")
    assert "Revision: 12" in all_text(made)
    assert "DRAFT" not in all_text_with_headers(made)
    assert "Revision:" not in all_text(render(form, store, case, child.id, "plan"))
    record = render_document(form, store, case, child.id, "record", today=TODAY, version="12")
    assert "Made from revision\n12" in all_text(record)
    assert "Made from revision" not in all_text(render(form, store, case, child.id, "record"))


def test_b1_the_record_lists_every_child_of_the_household_and_whether_each_was_seen(form, store):
    case = load_example("sibling-group")
    assert len(case.children) == 3
    document = Document(io.BytesIO(render(form, store, case, case.children[1].id, "record")))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    for child in case.children:
        row = next(row for row in rows if row and row[0].startswith(child.answers["child_name"]))
        assert row[-1] == ("Yes" if child.answers["child_seen"] else "No")


def test_b1_household_answers_are_shared_and_child_answers_are_not(form, store):
    case = load_example("sibling-group")
    first, second = case.children[0], case.children[1]
    first_record = all_text(render(form, store, case, first.id, "record"))
    second_record = all_text(render(form, store, case, second.id, "record"))
    shared = case.household["family_history"][:40]
    assert shared in first_record and shared in second_record
    own = first.answers["child_views_text"][:40]
    assert own in first_record and own not in second_record


def _people_table(content: bytes) -> dict[str, list[str]]:
    """The household members' table of a record, each row by the person's name."""
    document = Document(io.BytesIO(content))
    for table in document.tables:
        heading = [cell.text for cell in table.rows[0].cells]
        if heading[:2] == ["Name", "Relationship"]:
            return {row.cells[0].text: [cell.text for cell in row.cells] for row in table.rows[1:]}
    raise AssertionError("no table of the household's members")


def test_b1_each_childs_record_gives_each_persons_relationship_to_that_child(form, store):
    case = load_example("sibling-group")
    tilly = _people_table(render(form, store, case, "child-tilly", "record"))
    kai = _people_table(render(form, store, case, "child-kai", "record"))
    assert (
        tilly.keys()
        == kai.keys()
        == {"Shannon Colbeck", "Marcus Dacres", "Pauline Colbeck", "Agnieszka Wróbel"}
    )
    _, relationship, _, responsibility = tilly["Marcus Dacres"]
    assert (relationship, responsibility) == ("Step-parent or parent's partner", "No")
    _, relationship, _, responsibility = kai["Marcus Dacres"]
    assert (relationship, responsibility) == ("Father", "Yes")
    assert tilly["Shannon Colbeck"] == kai["Shannon Colbeck"]  # the same to both: their mother


def test_k5_the_chronology_is_dated_and_in_order(form):
    case = load_example("sibling-group")
    chronology = build_context(form, case, case.children[0].id, "record", today=TODAY)["chronology"]
    events = [event["event"] for event in chronology]
    for expected in ("Referral received", "Assessment started", "Police notified", "Assessment authorised"):
        assert expected in events
    assert any(event.startswith("Agency consulted: ") for event in events)
    days = [datetime.strptime(event["date"], "%d %B %Y") for event in chronology]
    assert days == sorted(days)


def test_f5_a_confidential_address_is_in_the_record_but_not_in_what_goes_outside(form, store):
    case = load_example("sibling-group")
    address = case.household["household_address"].splitlines()[0]
    mother = next(p for p in case.household["household_members"] if p.get("contact_confidential_from"))
    mothers_phone = mother["phone"]
    for child in case.children:
        assert address in all_text(render(form, store, case, child.id, "record"))
        for kind in ("plan", "child"):
            text = all_text(render(form, store, case, child.id, kind))
            assert address not in text and mothers_phone not in text, kind


def test_f5_a_plan_for_a_named_recipient_withholds_only_what_is_confidential_from_them(project_copy):
    # An authority that prints the household's address in its plans: each copy is checked against its reader.
    path = project_copy.spec_dir / "sections" / "case.yaml"
    text = path.read_text()
    path.write_text(
        text.replace(
            "      - id: household_address\n",
            "      - id: household_address\n        documents: [record, plan]\n        audience: [family]\n",
            1,
        )
    )
    form = load_spec(project_copy.spec_dir, "general")
    store = TemplateStore(project_copy.template_dir)
    case = load_example("sibling-group")
    address = case.household["household_address"].splitlines()[0]
    assert case.household["household_address_confidential_from"] == [case.recipient("father").person]
    child_id = case.children[0].id
    assert address not in all_text(
        render(form, store, case, child_id, "plan", recipient=case.recipient("father"))
    )
    assert address not in all_text(render(form, store, case, child_id, "plan"))
    assert address in all_text(
        render(form, store, case, child_id, "plan", recipient=case.recipient("mother"))
    )
    # The police are professionals: a field for the family alone is not theirs.
    assert address not in all_text(
        render(form, store, case, child_id, "plan", recipient=case.recipient("police"))
    )


def test_k2_the_plan_holds_the_plan_and_not_the_analysis(form, store):
    case = load_example("sibling-group")
    child = case.children[0]
    text = all_text(render(form, store, case, child.id, "plan"))
    assert case.household["assessment_aims"][:40] in text
    assert child.answers["concern_nature_impact"][:40] not in text


def test_k3_the_childs_version_speaks_to_the_child(form, store, example):
    for child_id, kind in every_document(form, example):
        if kind != "child":
            continue
        answers = example.child(child_id).answers
        text = all_text(render(form, store, example, child_id, "child"))
        assert answers["child_name"].split()[0] in text
        assert answers["outcome_for_child"][:30] in text
        chosen = form.info("outcomes").field
        wordings = [c.child_wording for c in chosen.choices if c.value in answers["outcomes"]]
        assert all(wording in text for wording in wordings)
        assert answers["concern_nature_impact"][:40] not in text


def fixed_text(context: dict, document_text: str) -> str:
    """The child's version less what the practitioner or child wrote: what the spec and template say."""
    typed = [context["child"]["name"], context["child"]["first_name"], context["worker"]["name"]]
    typed += [item["text"] for item in context["child_version"]["said"]]
    typed.append(context["child_version"]["explanation"])
    typed += [value for step in context["child_version"]["next_steps"] for value in step.values()]
    typed += [context["authority"][key] for key in ("name", "phone", "email", "address")]
    typed += [
        context["worker"]["phone"],
        context["child_version"]["met_on"],
        context["generated_on"],
        context["marking"],
    ]
    for value in sorted((v for v in typed if v), key=len, reverse=True):
        document_text = document_text.replace(value, " ")
    return document_text


def test_k3_the_childs_version_reads_at_grade_5_or_below_for_every_example(form, store, example):
    for child_id, kind in every_document(form, example):
        if kind != "child":
            continue
        context = build_context(form, example, child_id, "child", today=TODAY)
        text = fixed_text(context, all_text(render(form, store, example, child_id, "child")))
        assert len(text.split()) > 150  # the letter itself, not an empty shell
        assert flesch_kincaid_grade(text) <= 5


def test_b2_an_unborn_baby_gets_a_record_a_chronology_a_plan_and_an_outcome_but_no_childs_version(
    form, store
):
    case = load_example("pre-birth")
    child_id = case.children[0].id
    assert documents_for(form, case, child_id, today=TODAY) == ["record", "chronology", "plan", "outcome"]
    text = all_text(render(form, store, case, child_id, "record"))
    assert "4 weeks before the expected delivery date" in text


def with_hostile_text(case: CaseFile) -> CaseFile:
    hostile = copy.deepcopy(case)
    child = hostile.children[0]
    child.answers["child_views_text"] = HOSTILE  # the record's
    child.answers["child_views_for_child"] = HOSTILE  # the child's version's, in place of the notes
    child.answers["outcome_for_child"] = HOSTILE
    hostile.household["family_history"] = HOSTILE
    hostile.household["assessment_aims"] = HOSTILE
    hostile.household["household_members"][0]["name"] = HOSTILE
    return hostile


def test_hostile_text_renders_into_valid_documents_intact(form, store):
    case = with_hostile_text(load_example("sibling-group"))
    expected = "Tom & Jerry <b>\"quoted\" 'single'</b> مرحبا بك 🙂"
    for kind in ("record", "plan", "child"):
        content = render(form, store, case, case.children[0].id, kind)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for name in archive.namelist():
                if name.endswith(".xml"):
                    etree.fromstring(archive.read(name))  # raises on invalid XML
            body = archive.read("word/document.xml").decode()
        text = all_text(content)
        assert expected in text, kind
        assert "\x0b" not in text and "\x07" not in text
        # The vertical tab Word pastes for a line break stays a line break.
        assert re.search(r"🙂</w:t>\s*<w:br/>\s*<w:t[^>]*>second line", body), kind


def test_a_misspelt_tag_fails_and_names_the_template(form, tmp_path):
    broken = tmp_path / "templates"
    broken.mkdir()
    for template in TEMPLATE_DIR.glob("*.docx"):
        with zipfile.ZipFile(template) as source, zipfile.ZipFile(broken / template.name, "w") as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "word/document.xml" and template.name == "record.docx":
                    data = data.replace(b"{{ case.reference }}", b"{{ case.referense }}")
                target.writestr(item, data)
    case = load_example("sibling-group")
    with pytest.raises(TemplateError) as raised:
        render(form, TemplateStore(broken), case, case.children[0].id, "record")
    assert str(broken / "record.docx") in str(raised.value)
    assert "referense" in str(raised.value)


def test_concurrent_renders_never_mix_cases(form, store):
    # One shared store, many threads: each document must hold its own child's name and no other's.
    cases = [load_example(name) for name in ("sibling-group", "pre-birth", "unaccompanied-asylum-seeker")]
    names = {case.reference: case.children[0].answers["child_name"] for case in cases}
    failures = []

    def work(case: CaseFile) -> None:
        for _ in range(3):
            text = all_text(render(form, store, case, case.children[0].id, "record"))
            others = [
                name for reference, name in names.items() if reference != case.reference and name in text
            ]
            if names[case.reference] not in text or others:
                failures.append((case.reference, others))

    threads = [threading.Thread(target=work, args=(case,)) for case in cases * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_d5_a_managers_decision_records_who_when_and_why(form, store):
    case = load_example("unaccompanied-asylum-seeker")
    child_id = case.children[0].id
    decisions = build_context(form, case, child_id, "record", today=TODAY)["manager_decisions"]
    [decision] = [
        d for d in decisions if d["decision"] == "Why the referral may be discussed without consent"
    ]
    [record] = [record for record in case.decisions if record.field == "consent_override_reasons"]
    assert decision["by"] == record.by.name
    assert decision["date"] == format_day(record.at.date())
    assert case.household["consent_override_reasons"][:40] in decision["reason"]
    interpreter = next(d for d in decisions if d["decision"].endswith("(Mother)"))
    assert interpreter["decision"].startswith("Why an interpreter is not being used, for ")
    assert interpreter["by"] == record.by.name and interpreter["reason"].startswith("Yasir's mother")
    assert decisions.index(decision) < decisions.index(interpreter)  # oldest first: 12 then 16 January
    text = all_text(render(form, store, case, child_id, "record"))
    assert record.by.name in text
