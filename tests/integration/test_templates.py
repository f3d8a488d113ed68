"""Templates an authority owns: `formgen check` guards what the builder used to (each tag in one run, no
tracked change or comment, headings in order) in the shared templates and every authority's own, and an
authority's own template is used for it while the shared ones serve the rest."""

from __future__ import annotations

import copy
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from lxml import etree

from formgen.check import check_everything, check_template
from formgen.cli import main
from formgen.documents import DOCUMENTS, TemplateError, TemplateStore, render_document
from formgen.documents.render import AUTHORITIES
from formgen.spec import load_spec
from tests.integration.test_documents import all_text_with_headers
from tests.support import TEMPLATE_DIR, TODAY, load_example

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SHIPPED = sorted(TEMPLATE_DIR.glob("*.docx"))


def rewrite(path: Path, part: str, change) -> None:
    """Change one XML part of a Word file in place, as an author's edit in Word leaves it."""
    with zipfile.ZipFile(path) as source:
        items = [(item, source.read(item.filename)) for item in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item, data in items:
            if item.filename == part:
                root = etree.fromstring(data)
                change(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(item, data)


def run_holding(root, text: str):
    return next(t.getparent() for t in root.iter(W + "t") if t.text and text in t.text)


def paragraph_number(root, run) -> int:
    paragraph = next(run.iterancestors(W + "p"))
    return list(root.iter(W + "p")).index(paragraph) + 1


def split(text: str, at: int, marks: dict):
    """Split the run holding `text` in two, as Word does when an author retypes part of a tag."""

    def change(root):
        run = run_holding(root, text)
        second = copy.deepcopy(run)
        run.find(W + "t").text, second.find(W + "t").text = text[:at], text[at:]
        run.addnext(second)
        marks["paragraph"] = paragraph_number(root, run)

    return change


@pytest.mark.parametrize("path", SHIPPED, ids=[path.name for path in SHIPPED])
def test_the_shipped_templates_pass(path):
    assert check_template(path) == []


def test_a_tag_split_across_runs_is_refused_naming_the_file_and_the_paragraph(tmp_path):
    template = shutil.copy(TEMPLATE_DIR / "record.docx", tmp_path / "record.docx")
    marks: dict = {}
    rewrite(template, "word/document.xml", split("{{ generated_on }}", 7, marks))
    (problem,) = check_template(template)
    assert str(problem) == (
        f'{template}: word/document.xml paragraph {marks["paragraph"]} ("Made on {{{{ gene"): '
        "the tag '{{ generated_on }}' is split across 2 runs: retype the tag in one go in Word, "
        "with Track Changes off, or paste it as plain text"
    )


def test_a_split_tag_in_a_footer_is_refused_too(tmp_path):
    template = shutil.copy(TEMPLATE_DIR / "plan.docx", tmp_path / "plan.docx")
    marks: dict = {}
    rewrite(template, "word/footer1.xml", split("{{ recipient.prepared_for }}", 12, marks))
    (problem,) = check_template(template)
    assert f"{template}: word/footer1.xml paragraph {marks['paragraph']} (" in str(problem)
    assert "split across 2 runs" in str(problem)


def test_a_tag_left_open_in_its_paragraph_is_refused(tmp_path):
    template = shutil.copy(TEMPLATE_DIR / "record.docx", tmp_path / "record.docx")

    def change(root):
        run_holding(root, "{{ generated_on }}").find(W + "t").text = "{{ generated_on"

    rewrite(template, "word/document.xml", change)
    problems = [str(problem) for problem in check_template(template)]
    assert any("a tag is not closed within its paragraph" in problem for problem in problems), problems


def test_a_tracked_change_is_refused_naming_the_file_and_the_paragraph(tmp_path):
    template = shutil.copy(TEMPLATE_DIR / "child.docx", tmp_path / "child.docx")
    marks: dict = {}

    def change(root):
        run = run_holding(root, "What we did")
        inserted = etree.Element(W + "ins", {W + "id": "7", W + "author": "Jo Editor"})
        run.addprevious(inserted)
        inserted.append(run)
        marks["paragraph"] = paragraph_number(root, run)

    rewrite(template, "word/document.xml", change)
    (problem,) = check_template(template)
    assert str(problem) == (
        f'{template}: word/document.xml paragraph {marks["paragraph"]} ("What we did"): '
        "a tracked change (ins by Jo Editor): accept or reject every change in Word "
        "(Review, Accept All) and turn Track Changes off"
    )


def test_a_deletion_and_a_comment_are_refused(tmp_path):
    template = shutil.copy(TEMPLATE_DIR / "child.docx", tmp_path / "child.docx")

    def change(root):
        run = run_holding(root, "Who you can talk to")
        deleted = etree.Element(W + "del", {W + "id": "8", W + "author": "Jo Editor"})
        deleted_run = etree.SubElement(deleted, W + "r")
        etree.SubElement(deleted_run, W + "delText").text = "old words"
        run.addnext(deleted)
        start = etree.Element(W + "commentRangeStart", {W + "id": "0"})
        run_holding(root, "Your records").addprevious(start)

    rewrite(template, "word/document.xml", change)
    problems = [str(problem) for problem in check_template(template)]
    assert len(problems) == 2, problems
    assert '("Who you can talk to"): a tracked change (del by Jo Editor)' in problems[0]
    assert '("Your records"): a comment: delete them in Word' in problems[1]


def test_a_skipped_heading_level_is_refused(tmp_path):
    template = shutil.copy(TEMPLATE_DIR / "record.docx", tmp_path / "record.docx")
    marks: dict = {}

    def change(root):
        run = run_holding(root, "Children in the household")
        run.getparent().find(f"{W}pPr/{W}pStyle").set(W + "val", "Heading3")
        marks["paragraph"] = paragraph_number(root, run)

    rewrite(template, "word/document.xml", change)
    (problem,) = check_template(template)
    assert str(problem).startswith(
        f'{template}: word/document.xml paragraph {marks["paragraph"]} ("Children in the household"): '
    )
    assert str(problem).endswith("a Heading 3 straight after a Heading 1: use a Heading 2")


def test_a_first_heading_below_heading_1_is_refused(tmp_path):
    template = shutil.copy(TEMPLATE_DIR / "child.docx", tmp_path / "child.docx")

    def change(root):
        title = run_holding(root, "About the help for ").getparent()
        title.find(f"{W}pPr/{W}pStyle").set(W + "val", "Heading2")

    rewrite(template, "word/document.xml", change)
    (problem,) = check_template(template)
    assert "paragraph 1 (" in str(problem) and "the first heading is a Heading 2" in str(problem)


def test_a_file_that_is_not_a_word_document_is_named(tmp_path):
    template = tmp_path / "record.docx"
    template.write_text("not a zip")
    (problem,) = check_template(template)
    assert str(problem).startswith(f"{template}: not a Word document")


# --- an authority's own templates ------------------------------------------------------------------

OWN_TITLE = "Kent and Medway children's services: assessment record"


def own_record(settings, authority: str = "general") -> Path:
    """An authority's own record: the shared one with its own title."""
    folder = settings.template_dir / AUTHORITIES / authority
    folder.mkdir(parents=True, exist_ok=True)
    document = Document(settings.template_dir / "record.docx")
    document.paragraphs[0].runs[0].text = OWN_TITLE
    document.save(folder / "record.docx")
    return folder / "record.docx"


def test_an_authoritys_own_template_is_used_and_the_shared_ones_for_the_rest(project_copy):
    own_record(project_copy)
    form = load_spec(project_copy.spec_dir, "general")
    case = load_example("sibling-group")
    child = case.children[0].id
    theirs = TemplateStore(project_copy.template_dir, "general")
    assert theirs.path("record.docx") == project_copy.template_dir / AUTHORITIES / "general" / "record.docx"
    assert OWN_TITLE in all_text_with_headers(
        render_document(form, theirs, case, child, "record", today=TODAY)
    )
    plan = all_text_with_headers(render_document(form, theirs, case, child, "plan", today=TODAY))
    assert "Assessment plan" in plan and OWN_TITLE not in plan  # the shared plan
    # Another authority (and no authority) has the shared record.
    for store in (
        TemplateStore(project_copy.template_dir, "kent-medway"),
        TemplateStore(project_copy.template_dir),
    ):
        shared = all_text_with_headers(render_document(form, store, case, child, "record", today=TODAY))
        assert OWN_TITLE not in shared and DOCUMENTS["record"].title in shared


def test_render_uses_the_authority_of_the_command_line(project_copy, tmp_path):
    own_record(project_copy, "kent-medway")
    environment = {
        "FORMGEN_SPEC_DIR": str(project_copy.spec_dir),
        "FORMGEN_TEMPLATE_DIR": str(project_copy.template_dir),
        "FORMGEN_EXAMPLES_DIR": str(project_copy.examples_dir),
    }
    case = str(project_copy.examples_dir / "sibling-group.json")
    arguments = ["render", case, "--document", "record", "--child", "child-kai"]
    for authority, own in (("kent-medway", True), ("general", False)):
        out = tmp_path / authority
        result = CliRunner().invoke(
            main, ["--authority", authority, *arguments, "--out-dir", str(out)], env=environment
        )
        assert result.exit_code == 0, result.output
        (path,) = out.iterdir()
        assert (OWN_TITLE in all_text_with_headers(path.read_bytes())) is own


def test_check_checks_an_authoritys_own_templates(project_copy):
    template = own_record(project_copy, "kent-medway")
    marks: dict = {}
    rewrite(template, "word/document.xml", split("{{ generated_on }}", 5, marks))
    (project_copy.template_dir / AUTHORITIES / "kent-medway" / "letter.docx").write_bytes(b"")
    (project_copy.template_dir / AUTHORITIES / "nowhere").mkdir()
    problems = [str(problem) for problem in check_everything(project_copy, today=TODAY)]
    assert any(
        problem.startswith(f"{template}: word/document.xml paragraph {marks['paragraph']} (")
        and "split across 2 runs" in problem
        for problem in problems
    ), problems
    assert any(
        problem.startswith(f"{template.parent / 'letter.docx'}: not a template formgen uses")
        for problem in problems
    )
    assert any(
        problem.startswith(f"{project_copy.template_dir / AUTHORITIES / 'nowhere'}: no authority 'nowhere'")
        for problem in problems
    )
    assert len(problems) == 3, problems  # the shared templates are fine


def test_check_passes_a_sound_override_and_renders_it(project_copy):
    own_record(project_copy, "kent-medway")
    assert check_everything(project_copy, today=TODAY) == []


def test_curly_quotes_in_a_tag_are_refused(tmp_path):
    template = shutil.copy(TEMPLATE_DIR / "plan.docx", tmp_path / "plan.docx")

    def change(root):
        run = run_holding(root, "{% if r.role %}")
        run.find(W + "t").text = run.find(W + "t").text.replace(
            "{% if r.role %}", "{% if r.role == “police” %}"
        )

    rewrite(template, "word/document.xml", change)
    (problem,) = check_template(template)
    assert "word/document.xml paragraph " in str(problem) and "has curly quotes" in str(problem)


def test_a_template_with_track_changes_on_is_refused(tmp_path):
    template = shutil.copy(TEMPLATE_DIR / "outcome.docx", tmp_path / "outcome.docx")
    rewrite(template, "word/settings.xml", lambda root: root.insert(0, etree.Element(W + "trackRevisions")))
    assert [str(problem) for problem in check_template(template)] == [
        f"{template}: word/settings.xml: Track Changes is on: turn it off in Word (Review, Track Changes)"
    ]


def cut_short(path: Path, part: str) -> None:
    """Leave one part half written, as a copy interrupted or a zip tool's mishap leaves it."""
    with zipfile.ZipFile(path) as source:
        items = [(item, source.read(item.filename)) for item in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item, data in items:
            target.writestr(item, data[: len(data) // 2] if item.filename == part else data)


@pytest.mark.parametrize("part", ["word/styles.xml", "word/settings.xml", "word/document.xml"])
def test_a_part_cut_short_is_named_as_not_valid_xml(tmp_path, part):
    template = shutil.copy(TEMPLATE_DIR / "outcome.docx", tmp_path / "outcome.docx")
    cut_short(template, part)
    (problem,) = check_template(template)
    assert str(problem).startswith(f"{template}: {part}: not valid XML"), problem


def test_comments_cut_short_are_named_too(tmp_path):
    template = shutil.copy(TEMPLATE_DIR / "outcome.docx", tmp_path / "outcome.docx")
    with zipfile.ZipFile(template, "a") as archive:
        archive.writestr("word/comments.xml", f'<w:comments xmlns:w="{W[1:-1]}"><w:comment w:id="0">')
    (problem,) = check_template(template)
    assert str(problem).startswith(f"{template}: word/comments.xml: not valid XML"), problem


def test_a_zip_without_a_document_is_named(tmp_path):
    template = tmp_path / "plan.docx"
    with zipfile.ZipFile(TEMPLATE_DIR / "plan.docx") as source, zipfile.ZipFile(template, "w") as target:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                target.writestr(item, source.read(item))
    (problem,) = check_template(template)
    assert str(problem) == f"{template}: not a Word document: it has no word/document.xml"


def test_an_entity_in_a_template_is_not_expanded(tmp_path):
    """A template's XML is the authority's file: an entity that would read a file on the server is not
    resolved (the shared parser), so the check neither reads it nor reports it as the text."""
    secret = tmp_path / "secret.txt"
    secret.write_text("{{ not_a_tag")
    template = shutil.copy(TEMPLATE_DIR / "outcome.docx", tmp_path / "outcome.docx")
    with zipfile.ZipFile(template) as source:
        items = [(item, source.read(item.filename)) for item in source.infolist()]
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as target:
        for item, data in items:
            if item.filename == "word/document.xml":
                declaration, _, rest = data.partition(b"?>")
                doctype = f'<!DOCTYPE w:document [<!ENTITY leak SYSTEM "file://{secret}">]>'.encode()
                data = (
                    declaration
                    + b"?>"
                    + doctype
                    + rest.replace(b"</w:body>", b"<w:p><w:r><w:t>&leak;</w:t></w:r></w:p></w:body>", 1)
                )
            target.writestr(item, data)
    assert check_template(template) == []


def test_formgen_check_names_a_template_whose_styles_are_cut_short(project_copy):
    template = project_copy.template_dir / "plan.docx"
    cut_short(template, "word/styles.xml")
    environment = {
        "FORMGEN_SPEC_DIR": str(project_copy.spec_dir),
        "FORMGEN_TEMPLATE_DIR": str(project_copy.template_dir),
        "FORMGEN_EXAMPLES_DIR": str(project_copy.examples_dir),
    }
    result = CliRunner().invoke(main, ["--authority", "general", "check"], env=environment)
    # A failed check exits with its list of problems, never with a traceback.
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert f"{template}: word/styles.xml: not valid XML" in result.output, result.output


def test_a_store_renders_and_names_the_file_it_read_even_once_an_override_appears(project_copy):
    """The store reads a template's file once, and keeps which file it was: an authority's copy saved
    later is used by the next start, and meanwhile no error names a file other than the one rendered."""
    store = TemplateStore(project_copy.template_dir, "kent-medway")
    shared = project_copy.template_dir / "record.docx"
    first = store.raw("record.docx")
    own_record(project_copy, "kent-medway")
    assert store.path("record.docx") == shared
    assert store.raw("record.docx") == first
    with pytest.raises(TemplateError) as raised:
        store.render("record.docx", {})  # no context: the template's first tag is undefined
    assert str(raised.value).startswith(f"{shared}: "), raised.value
    fresh = TemplateStore(project_copy.template_dir, "kent-medway")
    assert (
        fresh.path("record.docx") == project_copy.template_dir / AUTHORITIES / "kent-medway" / "record.docx"
    )
