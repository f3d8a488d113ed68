"""The record (K1) as its XML lays it out: headed label-and-answer tables, lists as tables whose header
row is theirs alone, no row split across a page, nothing empty, and the manager's part at the end."""

from __future__ import annotations

import copy
import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from lxml import etree

from formgen.documents import build_context, render_document
from formgen.documents.formats import large_print
from formgen.documents.layout import _CELL_MARGINS, _WORD_CHARACTER, BODY_POINTS, fit_columns
from formgen.engine.casefile import CaseFile
from formgen.engine.distribution import Method, Sending
from formgen.engine.review import Person
from formgen.spec import FormSpec, available_authorities, load_spec
from tests.support import EXAMPLES, SPEC_DIR, TODAY, load_example

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TILLY = "child-tilly"
HEADINGS = {"Title": 0, "Heading1": 1, "Heading2": 2, "Heading3": 3}


def body(content: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return etree.fromstring(archive.read("word/document.xml")).find(f"{W}body")


def text(element: etree._Element) -> str:
    """An element's text, a line per paragraph, as a reader sees it."""
    lines = [
        "".join("\n" if node.tag == f"{W}br" else node.text or "" for node in p.iter(f"{W}t", f"{W}br"))
        for p in element.iter(f"{W}p")
    ]
    return "\n".join(lines)


def rows(table: etree._Element) -> list[list[str]]:
    return [[text(cell) for cell in row.findall(f"{W}tc")] for row in table.findall(f"{W}tr")]


def header_rows(table: etree._Element) -> list[int]:
    return [
        index
        for index, row in enumerate(table.findall(f"{W}tr"))
        if row.find(f"{W}trPr/{W}tblHeader") is not None
    ]


def style(paragraph: etree._Element) -> str:
    found = paragraph.find(f"{W}pPr/{W}pStyle")
    return "" if found is None else found.get(f"{W}val")


def table_under(root: etree._Element, heading: str) -> etree._Element:
    """The first table after the heading with this text, before the next heading (a list with no
    items has a sentence there, not a table)."""
    seen = False
    for element in root:
        if element.tag == f"{W}p" and style(element) in HEADINGS:
            if seen:
                break
            seen = text(element) == heading
        elif seen and element.tag == f"{W}tbl":
            return element
    raise AssertionError(f"no table under {heading!r}")


def circulated() -> CaseFile:
    """The sibling group once business support has sent each child's plan and outcome (K2)."""
    case = copy.deepcopy(load_example("sibling-group"))
    schools = {"child-tilly": "tilly-school", "child-kai": "kai-school"}
    days = {
        "plan": datetime(2025, 10, 14, 15, 30, tzinfo=UTC),
        "outcome": datetime(2025, 12, 3, 11, tzinfo=UTC),
    }
    for document, day in days.items():
        for child in case.children:
            for recipient in ("mother", "father", "police", schools.get(child.id)):
                if recipient is None:
                    continue
                method = Method.POST if recipient in ("father", "kai-school") else Method.SECURE_EMAIL
                sending = Sending(
                    recipient=recipient,
                    document=document,
                    child=child.id,
                    method=method,
                    by=Person(name="Bea Support"),
                    at=day,
                )
                case.circulation.append(sending)
    return case


def every_record(form: FormSpec, store) -> dict[tuple[str, str], bytes]:
    records = {}
    cases = [(path.stem, load_example(path.stem)) for path in EXAMPLES]
    for name, case in [*cases, ("sibling-group sent", circulated())]:
        for child in case.children:
            records[(name, child.id)] = render_document(form, store, case, child.id, "record", today=TODAY)
    return records


@pytest.fixture(scope="module")
def records(form, store) -> dict[tuple[str, str], bytes]:
    return every_record(form, store)


@pytest.fixture(scope="module")
def tilly(records) -> etree._Element:
    return body(records[("sibling-group", TILLY)])


@pytest.fixture(scope="module")
def sent_tilly(records) -> etree._Element:
    return body(records[("sibling-group sent", TILLY)])


def test_a_header_row_is_only_ever_the_first_row_of_a_lists_table(records):
    for key, content in records.items():
        root = body(content)
        previous = None
        for table in root.iter(f"{W}tbl"):
            found = header_rows(table)
            table_rows = rows(table)
            assert found in ([], [0]), (key, table_rows[0])
            if found:
                # One kind of block per table: every row has the header's columns.
                assert {len(row) for row in table_rows} == {len(table_rows[0])}, (key, table_rows[0])
        for element in root:
            # Two tables with nothing between them are one table in Word, under the first's header.
            assert not (element.tag == f"{W}tbl" and previous == f"{W}tbl"), key
            previous = element.tag


def test_a_header_row_keeps_with_the_first_row_under_it(records):
    # Left alone at the foot of a page, LibreOffice dropped every row of the pre-birth record's
    # services table from its PDF: the header's paragraphs keep it with the row that follows.
    for key, content in records.items():
        for table in body(content).iter(f"{W}tbl"):
            for index in header_rows(table):
                for paragraph in table.findall(f"{W}tr")[index].iter(f"{W}p"):
                    assert paragraph.find(f"{W}pPr/{W}keepNext") is not None, (key, text(table)[:60])


def test_no_row_of_any_table_can_split_across_a_page(records):
    for key, content in records.items():
        for table in body(content).iter(f"{W}tbl"):
            for row in table.findall(f"{W}tr"):
                assert row.find(f"{W}trPr/{W}cantSplit") is not None, (key, text(row)[:60])


def test_the_sections_answers_print_beside_their_labels_without_a_header_row(tilly):
    table = table_under(tilly, "Case and referral")
    assert header_rows(table) == []
    assert ["Referral received", "6 October 2025"] in rows(table)
    assert all(row[0] != "Question" for row in rows(table))


def test_nothing_prints_none_and_no_heading_is_left_empty(records):
    for key, content in records.items():
        root = body(content)
        cells = [text(cell) for cell in root.iter(f"{W}tc")]
        paragraphs = [text(p) for p in root if p.tag == f"{W}p"]
        for found in cells + paragraphs:
            assert found.strip() != "None", key
            assert "None given" not in found and "None recorded" not in found, (key, found)
            assert "None\n" not in found and not found.endswith(" None"), (key, found)
        elements = [e for e in root if e.tag == f"{W}tbl" or (e.tag == f"{W}p" and text(e).strip())]
        for index, element in enumerate(elements):
            level = HEADINGS.get(style(element)) if element.tag == f"{W}p" else None
            if not level:
                continue
            following = elements[index + 1] if index + 1 < len(elements) else None
            assert following is not None, (key, text(element))
            next_level = HEADINGS.get(style(following)) if following.tag == f"{W}p" else None
            assert next_level is None or next_level > level, (key, text(element), text(following))


def test_what_was_asked_and_not_answered_is_said_once_in_its_section(tilly):
    table = rows(table_under(tilly, "About the child and the assessment"))
    assert table[-1] == [
        "Questions not answered",
        "Communication needs and how they are met\nCommunication assessment: conclusions and recommendations",
    ]
    assert [row[0] for row in table].count("Questions not answered") == 1
    assert all(row[1] != "Not answered" for row in table)


def test_the_record_names_answers_by_their_record_labels_not_their_questions(form, records):
    for key, content in records.items():
        record = text(body(content))
        for info in form.fields.values():
            if info.field.record_label and info.field.record_label != info.field.label:
                assert info.field.label not in record, (key, info.key)
    tilly = text(body(records[("sibling-group", TILLY)]))
    assert "What is their phone number?" not in tilly
    assert "Phone\n07700 900417" in tilly
    assert "Previous involvement of services" in tilly
    assert "Household address" in tilly


def test_the_front_page_holds_the_child_the_case_the_dates_the_worker_and_the_status(form, records):
    for (name, child_id), content in records.items():
        case = circulated() if name == "sibling-group sent" else load_example(name)
        context = build_context(form, case, child_id, "record", today=TODAY)
        summary = dict(rows(table_under(body(content), "Summary")))
        assert summary["Child"] == context["child"]["name"]
        assert summary["Case reference"] == case.reference
        assert summary["Local case number"] == (context["case"]["local_number"] or "Not recorded")
        assert summary["Local child number"] == (context["child"]["local_number"] or "Not recorded")
        assert summary["Legal basis"] == context["child"]["legal_basis"]
        assert summary["Lead practitioner"].startswith(context["worker"]["name"])
        assert summary["Team"] == context["worker"]["team"]
        assert summary["Status"] == context["document"]["stage"]
        assert summary["Referral received"] == context["timescale"]["referral_date"]
        assert summary["Assessment started"] == context["timescale"]["start_date"]
        assert summary["Due"].startswith(context["timescale"]["due_date"])
        assert summary["Authorised"] == (context["approval"]["date"] or "Not yet")
        assert all(value.strip() for value in summary.values()), (name, child_id)
    tilly = dict(rows(table_under(body(records[("sibling-group", TILLY)]), "Summary")))
    assert tilly["Authorised"] == "1 December 2025"
    assert tilly["Local case number"] == "MOS-CS-208114"


def test_the_managers_decisions_are_a_table_of_decision_by_date_and_reason(records):
    root = body(records[("unaccompanied-asylum-seeker", "child-yasir")])
    table = rows(table_under(root, "Manager's decisions"))
    assert table[0] == ["Decision", "By", "Date", "Reason"]
    assert len(table) > 1 and all(len(row) == 4 for row in table)
    first = table[1]
    assert first[1] == "Rebecca Nwosu" and first[2] == "12 January 2026"
    # The review checklist has its own place: none of it is in the decisions' reasons.
    assert not any("Met" in row[3].split() or "seen alone" in row[3] for row in table[1:])


def test_the_j1_checklist_prints_each_check_met_or_not_with_the_managers_comment(form, store):
    case: CaseFile = copy.deepcopy(load_example("sibling-group"))
    answers = case.child(TILLY).answers
    answers["home_visited_check"] = False
    answers["home_visited_comment"] = (
        "The new home is to be visited on 5 December; Tilly's room not yet seen."
    )
    root = body(render_document(form, store, case, TILLY, "record", today=TODAY))
    table = rows(table_under(root, "Manager's review"))
    assert table[0] == ["Check", "Met", "Manager's comment"]
    checks = [
        info.field.record_label
        for info in form.top_fields(form.section("review"))
        if info.field.type == "yes_no"  # Tilly is born: every check applies to her
    ]
    assert [row[0] for row in table[1:]] == checks
    visited = next(row for row in table if row[0] == "The child's home was visited and their bedroom seen")
    assert visited[1:] == ["Not met", answers["home_visited_comment"]]
    assert all(row[1] == "Met" and row[2] == "" for row in table[1:] if row is not visited)
    # The checklist is not printed again among the sections, nor its reasoning twice.
    assert "Manager's review" in [text(p) for p in root if style(p) == "Heading1"]
    record = text(root)
    assert record.count(answers["approval_reasoning"]) == 1


def test_the_approval_names_its_version_and_the_end_lists_circulation_and_distribution(tilly, sent_tilly):
    assert "Nothing has been sent yet." in text(tilly)
    tilly = sent_tilly
    approval = dict(rows(table_under(tilly, "Approval")))
    assert approval["Approved by"] == "Martin Oyelaran, team manager"
    assert approval["Version approved"] == "Revision 2"  # the example's approval names revision 2
    circulation = rows(table_under(tilly, "Circulation of the plan and outcome"))
    assert circulation[0] == ["Date", "Sent to", "Document", "How", "Sent by"]
    assert ["3 December 2025", "Marcus Dacres", "Assessment outcome", "Post", "Bea Support"] in circulation
    distribution = rows(table_under(tilly, "Distribution list"))
    assert distribution[0] == ["Name", "Role", "Format", "Sent to", "Status"]
    assert [
        "Shannon Colbeck (Mother)",
        "Family member",
        "Word",
        "shannon.colbeck@example.org",
        "Confirmed",
    ] in distribution
    assert not any(row[0].startswith("Pauline Colbeck") for row in distribution)
    excluded = rows(table_under(tilly, "Must not receive a copy"))
    assert excluded[1][0] == "Pauline Colbeck (Other relative)" and "in person" in excluded[1][1]


def test_the_chronology_is_in_date_order_and_takes_the_sendings_from_the_circulation_log(records):
    for key, content in records.items():
        root = body(content)
        for heading in ("Chronology", "Other significant events"):
            try:
                table = rows(table_under(root, heading))
            except AssertionError:
                continue
            days = [_day(row[0]) for row in table[1:] if row[0]]
            assert days == sorted(days), (key, heading)
    chronology = rows(table_under(body(records[("sibling-group sent", TILLY)]), "Chronology"))
    assert [
        "3 December 2025",
        "Assessment outcome sent to Shannon Colbeck, Marcus Dacres, PC Dana Whitlock and Ravi Sandhu",
    ] in chronology
    assert not any("Written outcome sent" in row[1] for row in chronology)


def _day(value: str) -> date:
    return datetime.strptime(value, "%d %B %Y").date()


def test_a_lists_columns_suit_their_content_in_large_print_too(records):
    content = records[("sibling-group", TILLY)]
    for copy_content, points in ((content, BODY_POINTS), (large_print(content), BODY_POINTS + 5)):
        table = table_under(body(copy_content), "Previous addresses")
        widths = [int(col.get(f"{W}w")) for col in table.find(f"{W}tblGrid").findall(f"{W}gridCol")]
        header = rows(table)[0]
        assert header == ["Address", "Country", "From", "To", "Roughly when"]
        address, country, moved_in = widths[0], widths[1], widths[2]
        # An address wide, a date narrower, a country narrowest; in large print the page cannot keep
        # every short answer on one line, so a date may have as much room as the address.
        assert (address > moved_in if points == BODY_POINTS else address >= moved_in) and moved_in > country
        assert abs(sum(widths) - 9638) < 10  # the table keeps the page's width
        for column, width in enumerate(widths):
            longest = max(len(word) for row in rows(table) for word in row[column].split() or [""])
            assert width >= longest * _WORD_CHARACTER * points / BODY_POINTS + _CELL_MARGINS, (points, column)
    normal = table_under(body(content), "Previous addresses").find(f"{W}tblGrid")
    large = table_under(body(large_print(content)), "Previous addresses").find(f"{W}tblGrid")
    assert int(large[1].get(f"{W}w")) > int(normal[1].get(f"{W}w"))  # larger words, a wider column


def test_an_unborn_baby_is_named_mid_sentence_without_a_capital(form, store):
    case = load_example("pre-birth")
    child = case.children[0].id
    for kind in ("plan", "outcome"):
        document = text(body(render_document(form, store, case, child, kind, today=TODAY)))
        assert "of Unborn baby" not in document
        assert "of the unborn baby of Stacey Lowther" in document


def test_an_unborn_babys_parents_read_of_their_baby_as_your_unborn_baby(form, store):
    case = load_example("pre-birth")
    child = case.children[0].id
    for recipient, expected in (
        ("mother", "of your unborn baby"),
        ("father", "of your unborn baby"),
        ("midwife", "of the unborn baby of Stacey Lowther"),
    ):
        addressed = case.recipient(recipient)
        document = text(
            body(render_document(form, store, case, child, "outcome", today=TODAY, recipient=addressed))
        )
        assert expected in document, recipient
    assert "your unborn baby" not in text(
        body(render_document(form, store, case, child, "record", today=TODAY))
    )


def test_the_written_outcomes_date_comes_from_the_circulation_log_unless_typed(form, store, sent_tilly):
    outcome = dict(row for row in rows(table_under(sent_tilly, "Outcome")) if len(row) == 2)
    assert outcome["Written outcome sent to the family"] == "3 December 2025 (from the circulation log)"
    case = circulated()
    case.child(TILLY).answers["outcome_sent_date"] = "2025-12-04"
    typed = body(render_document(form, store, case, TILLY, "record", today=TODAY))
    outcome = dict(row for row in rows(table_under(typed, "Outcome")) if len(row) == 2)
    assert outcome["Written outcome sent to the family"] == "4 December 2025"
    # The chronology's sendings are the log's; a typed date adds no event of its own.
    chronology = rows(table_under(typed, "Chronology"))
    assert not any(row[0] == "4 December 2025" for row in chronology)
    case.circulation.clear()
    case.child(TILLY).answers.pop("outcome_sent_date")
    unsent = body(render_document(form, store, case, TILLY, "record", today=TODAY))
    outcome = rows(table_under(unsent, "Outcome"))
    assert "Written outcome sent to the family" in outcome[-1][1].splitlines()  # asked, not answered


def test_a_table_with_widths_of_its_own_keeps_them(tilly):
    """Only a table the template leaves to automatic width is fitted: the summary keeps its label column."""
    summary = table_under(tilly, "Summary")
    widths = [int(col.get(f"{W}w")) for col in summary.find(f"{W}tblGrid").findall(f"{W}gridCol")]
    assert widths == [3402, 6236]  # 60 mm and 110 mm, as the template has them


def test_an_overlay_can_change_a_record_label(project_copy, store):
    path = project_copy.spec_dir / "authorities" / "general.yaml"
    path.write_text(
        path.read_text() + "\n  - relabel: {field: police_reference, record_label: Crime reference}\n"
    )
    form = load_spec(project_copy.spec_dir, "general")
    assert form.info("police_reference").field.label == "What is the police reference?"
    harm = rows(
        table_under(
            body(render_document(form, store, load_example("sibling-group"), TILLY, "record", today=TODAY)),
            "Harm outside the home and referrals",
        )
    )
    assert ["Crime reference", "NBP/25/104477"] in harm


def test_a_field_without_a_record_label_prints_its_question_until_it_has_one(project_copy, store):
    path = project_copy.spec_dir / "sections" / "harm.yaml"
    path.write_text(path.read_text().replace("        record_label: Police reference\n", "", 1))
    form = load_spec(project_copy.spec_dir, "general")  # loads: a running service is not stopped by it
    assert [problem.message for problem in form.advice] == [
        "a field printed in the record needs a `record_label` (a short statement naming the answer)"
    ]
    record = body(render_document(form, store, load_example("sibling-group"), TILLY, "record", today=TODAY))
    harm = rows(table_under(record, "Harm outside the home and referrals"))
    assert ["What is the police reference?", "NBP/25/104477"] in harm


@pytest.mark.parametrize("authority", [None, *available_authorities(SPEC_DIR)])
def test_every_shipped_field_has_a_record_label(authority):
    form = load_spec(SPEC_DIR, authority)
    assert form.advice == []
    assert all(info.field.record_label for info in form.fields.values())


def fitted_widths(header: bool) -> list[int]:
    """The widths fit_columns gives a two-column auto-width table of a date and a note, its first row
    (a long note) marked as the header row or not."""
    first_row = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""

    def cell(words: str) -> str:
        return f"<w:tc><w:p><w:r><w:t>{words}</w:t></w:r></w:p></w:tc>"

    document = (
        f'<w:document xmlns:w="{W[1:-1]}"><w:body><w:tbl>'
        '<w:tblPr><w:tblW w:w="5000" w:type="pct"/></w:tblPr><w:tblGrid/>'
        f"<w:tr>{first_row}{cell('When')}{cell('Notes written at length across many words here')}</w:tr>"
        f"<w:tr>{cell('18 September 2021')}{cell('Yes')}</w:tr>"
        "</w:tbl></w:body></w:document>"
    )
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w") as archive:
        archive.writestr("word/document.xml", document)
    root = body(fit_columns(content.getvalue()))
    table = root.find(f"{W}tbl")
    for cell_element in table.iter(f"{W}tc"):
        assert cell_element[0].tag == f"{W}tcPr"  # a cell's properties before its paragraphs
    return [int(column.get(f"{W}w")) for column in table.iter(f"{W}gridCol")]


def test_a_first_row_is_an_answer_unless_it_is_marked_as_the_header():
    """A header's label may wrap, so a row marked as the header leaves the room to the dates; a first
    row that is not marked is an answer like the rest, and its long note gets the room."""
    date_column, notes_column = fitted_widths(header=True)
    assert date_column > notes_column
    date_column, notes_column = fitted_widths(header=False)
    assert notes_column > 2 * date_column
