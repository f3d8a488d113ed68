"""PDF copies through the long-lived converter (real unoserver and LibreOffice): every document of every
example converts with its answers and its fonts, a converter that dies or hangs is replaced, and one
that is missing or will not start says so, in `formgen render` too."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from formgen.cli import main
from formgen.documents import render_document, write_documents
from formgen.documents.converter import (
    UNAVAILABLE,
    WATCHDOG,
    ConversionFailed,
    Converter,
    FormatUnavailable,
    converter,
)
from formgen.settings import PROJECT_ROOT
from tests.integration.test_documents import all_text
from tests.support import EXAMPLES, EXAMPLES_DIR, TODAY, load_example

# An answer of each example that its record prints, word for word.
DISTINCTIVE = {
    "pre-birth": "Jade is safe with her special guardian",
    "sibling-group": "Kestrel Hill Academy",
    "unaccompanied-asylum-seeker": "careful with adults until he trusts them",
}
_WORD = re.compile(r"\w+")
# pdftotext gives Arabic script as shaped glyphs run into the numbers and Latin words beside them, so
# a right-to-left copy is compared on its Latin words (names, places, what the worker wrote).
_LATIN_WORD = re.compile("[A-Za-z\u00c0-\u024f]+")
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
_HYPHENS = re.compile("[-\u2010\u2011]")  # pdftotext may drop a hyphen LibreOffice kept unbreakable
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def words(text: str, pattern: re.Pattern = _WORD) -> set[str]:
    return set(pattern.findall(_HYPHENS.sub("", _BIDI_CONTROLS.sub("", text))))


@pytest.fixture(scope="module")
def record(form, store) -> bytes:
    """A real record, in Word."""
    case = load_example("pre-birth")
    return render_document(form, store, case, case.children[0].id, "record", today=TODAY)


@pytest.fixture(scope="module", params=[path.stem for path in EXAMPLES])
def converted(request, form, store, running, tmp_path_factory) -> dict:
    """Every document `formgen render --all` writes for one example, in Word and as its PDF."""
    case = load_example(request.param)
    out = tmp_path_factory.mktemp(request.param)
    paths = write_documents(form, store, case, out, today=TODAY)
    documents = {}
    for path in paths:
        word = path.read_bytes()
        pdf = path.with_suffix(".pdf")
        pdf.write_bytes(word if path.suffix == ".pdf" else running.to_pdf(word))
        documents[path.name] = (word, pdf)
    names = {child.id: child.answers["child_name"] for child in case.children}
    return {"name": request.param, "documents": documents, "names": names}


def pdftotext(path: Path) -> str:
    output = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(output.stdout.split())


def test_every_document_of_every_example_converts_holding_its_words_and_answers(converted):
    for name, (word, pdf) in converted["documents"].items():
        assert pdf.read_bytes().startswith(b"%PDF"), name
        text = pdftotext(pdf)
        child = next(key for key in converted["names"] if f"-{key}-" in name)
        full_name = converted["names"][child]
        # The child's version speaks to the child by their first name; the others name them in full
        # (an unborn baby's name is written mid-sentence in some, so its case may differ, and to its
        # mother it is "your unborn baby").
        wanted = full_name.split()[0] if name.endswith("-child.docx") else full_name
        pattern = _LATIN_WORD if _ARABIC_SCRIPT.search(all_text(word)) else _WORD
        if pattern is _WORD:
            assert wanted.casefold() in text.casefold() or "of your unborn baby" in text, name
        else:
            assert set(wanted.split()) <= words(text, pattern), name
        # Every word of the Word document is in its PDF: nothing lost on the way.
        missing = words(all_text(word), pattern) - words(text, pattern)
        assert not missing, (name, sorted(missing)[:10])
        if name.endswith("-record.docx"):
            assert DISTINCTIVE[converted["name"]] in text, name
    assert any(name.endswith("-record.docx") for name in converted["documents"])
    assert any("-plan-" in name for name in converted["documents"])


def test_every_font_of_every_pdf_is_embedded(converted):
    for name, (_, pdf) in converted["documents"].items():
        lines = subprocess.run(
            ["pdffonts", str(pdf)], check=True, capture_output=True, text=True
        ).stdout.splitlines()[2:]
        assert lines, f"{name}: no fonts"
        for line in lines:
            # name, type (one or two words), encoding, then emb sub uni and the object id
            assert line.split()[-5] == "yes", f"{name}: not embedded: {line}"


def test_a_converter_killed_between_two_conversions_is_restarted_and_the_second_works(running, record):
    word = record
    assert running.to_pdf(word).startswith(b"%PDF")
    killed = running.process_id
    assert killed is not None
    os.killpg(killed, signal.SIGKILL)  # the converter and its LibreOffice, without warning
    assert running.to_pdf(word).startswith(b"%PDF")
    assert running.process_id not in (None, killed)
    assert group_ended(killed)


def test_a_conversion_past_its_time_limit_fails_clearly_and_the_next_gets_a_fresh_converter(running, record):
    word = record
    running.to_pdf(word)
    before, limit = running.process_id, running.timeout
    running.timeout = 0.01  # no real document converts this fast
    try:
        with pytest.raises(ConversionFailed, match="took more than 0 seconds"):
            running.to_pdf(word)
    finally:
        running.timeout = limit
    assert before is not None and group_ended(before)  # the stuck one was ended, LibreOffice too
    assert running.to_pdf(word).startswith(b"%PDF")


def never_answers(folder: Path) -> Path:
    """A converter program that starts and never answers."""
    silent = folder / "silent-unoserver"
    silent.write_text("#!/bin/sh\nexec sleep 60\n", encoding="utf-8")
    silent.chmod(0o755)
    return silent


def test_a_missing_converter_is_named_for_the_administrator_and_nothing_is_started(record, tmp_path):
    missing = Converter(tmp_path / "no-such-unoserver")
    with pytest.raises(FormatUnavailable) as caught:
        missing.to_pdf(record)
    # The person asking is told plainly; where the converter should be is for whoever runs the server.
    assert str(caught.value) == UNAVAILABLE and str(tmp_path) not in str(caught.value)
    assert re.search(r"PDF converter \(.*no-such-unoserver\) is not installed", caught.value.detail)
    assert missing.process_id is None


def test_a_converter_that_stops_as_it_starts_or_never_answers_is_unavailable_and_then_refused_at_once(
    record, tmp_path, caplog
):
    with pytest.raises(FormatUnavailable) as stopped:
        Converter(Path("/bin/false")).to_pdf(record)
    assert str(stopped.value) == UNAVAILABLE and "stopped as it started" in stopped.value.detail
    hanging = Converter(never_answers(tmp_path), start_timeout=1)
    started = time.monotonic()
    with pytest.raises(FormatUnavailable) as timed_out:
        hanging.to_pdf(record)
    assert time.monotonic() - started < 10
    assert str(timed_out.value) == UNAVAILABLE and "did not start within 1 seconds" in timed_out.value.detail
    assert "did not start within 1 seconds" in caplog.text  # in the server's log
    assert hanging.process_id is None
    # A start that failed is not tried again for a while: the next PDF is refused without waiting.
    started = time.monotonic()
    with pytest.raises(FormatUnavailable, match=UNAVAILABLE):
        hanging.to_pdf(record)
    assert time.monotonic() - started < 0.5


def test_one_deadline_bounds_each_pdf_the_start_and_the_wait_for_another_conversion(record, tmp_path):
    hanging = Converter(never_answers(tmp_path), limit=2)  # a start may take 30 s, a PDF only 2
    first: dict = {}

    def convert() -> None:
        started = time.monotonic()
        try:
            hanging.to_pdf(record)
        except FormatUnavailable as error:
            first.update(error=error, took=time.monotonic() - started)

    thread = threading.Thread(target=convert)
    thread.start()
    time.sleep(0.3)  # the first is starting the converter, and holds it
    hanging.limit = 0.5
    started = time.monotonic()
    with pytest.raises(FormatUnavailable, match="busy: try again in a minute"):
        hanging.to_pdf(record)
    assert time.monotonic() - started < 1.5
    thread.join(timeout=10)
    assert first["took"] < 3 and "did not start within 2 seconds" in first["error"].detail
    # A start cut short by a request's own limit is tried again by the next request.
    hanging.limit = 1
    with pytest.raises(FormatUnavailable) as again:
        hanging.to_pdf(record)
    assert "did not start within 1 seconds" in again.value.detail


def test_a_converter_whose_folder_cannot_be_made_is_unavailable_not_a_server_error(
    record, tmp_path, monkeypatch
):
    program = never_answers(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    with pytest.raises(FormatUnavailable) as caught:
        Converter(program, start_timeout=1).to_pdf(record)
    assert str(caught.value) == UNAVAILABLE and "could not be started" in caught.value.detail


def _holds_pipe(inode: int) -> bool:
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.stat(f"/proc/self/fd/{fd}").st_ino == inode:
                return True
        except OSError:
            continue  # the listing's own descriptor, closed already
    return False


def test_a_forked_process_lets_go_of_its_parents_converter_and_gets_its_own(running, record, tmp_path):
    running.start()
    watchdog = running.process_id
    assert watchdog is not None
    pipe = os.stat(f"/proc/{watchdog}/fd/0").st_ino  # the pipe the watchdog reads until it closes
    assert _holds_pipe(pipe)
    # Forked while a conversion holds the converter, as another thread of a worker might.
    with running._lock:
        child = os.fork()
    if child == 0:
        code = 9
        try:
            code = 1 if _holds_pipe(pipe) else 0  # or the parent's converter outlives the parent
            code = code or (2 if running.process_id is not None or converter() is running else 0)
            # Its own lock: with no converter here, a PDF is refused at once, not after the limit.
            running.program, running.limit = tmp_path / "missing", 2
            try:
                running.to_pdf(record)
            except FormatUnavailable as error:
                code = code or (0 if "not installed" in (error.detail or "") else 3)
        finally:
            os._exit(code)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert running.process_id == watchdog and group_alive(watchdog)  # the parent's, untouched


def test_formgen_render_writes_every_document_as_pdf(running, tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "render",
            str(EXAMPLES_DIR / "sibling-group.json"),
            "--child",
            "child-kai",
            "--document",
            "record",
            "--document",
            "child",
            "--format",
            "pdf",
            "--out-dir",
            str(tmp_path),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    written = [Path(line) for line in result.stdout.split()]
    assert len(written) == 2 and all(path.suffix == ".pdf" for path in written)  # the record, the child's
    assert all(path.read_bytes().startswith(b"%PDF") for path in written)
    assert "Kai" in pdftotext(written[1])


def test_formgen_render_as_pdf_without_the_converter_says_so_and_fails(tmp_path):
    environment = {
        **os.environ,
        "FORMGEN_UNOSERVER": str(tmp_path / "missing"),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "formgen",
            "render",
            str(EXAMPLES_DIR / "pre-birth.json"),
            "--all",
            "--format",
            "pdf",
            "--out-dir",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )
    assert result.returncode == 1
    # The command line is run by whoever runs the server: it is told what is missing and how to install it.
    assert f"{UNAVAILABLE}: its PDF converter" in result.stderr and "scripts/setup.sh" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not list((tmp_path / "out").glob("*.pdf"))


def group_ended(group: int, within: float = 5.0) -> bool:
    """Whether every process of a process group has ended, within a few seconds: a process sent
    SIGKILL runs on for a moment while the kernel ends it."""
    deadline = time.monotonic() + within
    while group_alive(group):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def group_alive(group: int) -> bool:
    """Whether any process of a process group is still running (a zombie waiting to be reaped is not)."""
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while we looked
        if int(fields[2]) == group and fields[0] != "Z":
            return True
    return False


def test_the_watchdog_ends_the_converter_when_the_process_that_started_it_is_gone():
    """A gunicorn worker killed for taking too long leaves no converter behind: its end of the pipe
    closes, and the watchdog ends everything in its group."""
    reader, writer = os.pipe()
    watchdog = subprocess.Popen(
        [sys.executable, "-I", str(WATCHDOG), "sleep", "60"], stdin=reader, start_new_session=True
    )
    os.close(reader)
    time.sleep(0.5)
    assert watchdog.poll() is None and group_alive(watchdog.pid)  # the "converter" runs
    os.close(writer)  # as when the process holding it ends, however it ends
    watchdog.wait(timeout=10)
    assert group_ended(watchdog.pid)


def test_the_watchdog_ends_when_the_converter_does():
    reader, writer = os.pipe()
    try:
        watchdog = subprocess.Popen(
            [sys.executable, "-I", str(WATCHDOG), "sh", "-c", "exit 3"], stdin=reader, start_new_session=True
        )
        os.close(reader)
        watchdog.wait(timeout=10)  # so formgen sees a converter that died, and starts another
    finally:
        os.close(writer)
    assert group_ended(watchdog.pid)


@pytest.mark.parametrize(("language", "font"), [("ar", "NotoNaskhArabic"), ("ur", "NotoNastaliqUrdu")])
def test_a_right_to_left_plan_as_pdf_embeds_its_scripts_font(language, font, form, store, running, tmp_path):
    case = load_example("unaccompanied-asylum-seeker")
    word = render_document(
        form,
        store,
        case,
        "child-yasir",
        "plan",
        today=TODAY,
        recipient=case.recipient("uncle"),
        language=language,
    )
    pdf = tmp_path / f"outcome-{language}.pdf"
    pdf.write_bytes(running.to_pdf(word))
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    embedded = [line.split()[0] for line in fonts.splitlines()[2:] if line.split()[-5] == "yes"]
    assert any(font in name for name in embedded), fonts
    assert "Khalid Abdalla Mahmoud" in pdftotext(pdf)  # the Latin name kept whole and in order
