"""PDF copies through one long-lived LibreOffice per process, served by unoserver.

Starting LibreOffice costs 1.5 s or more, so each process that makes PDFs (a gunicorn worker, a
`formgen render`) keeps one running: `unoserver` from its own virtualenv (`.venv-uno`, made by
scripts/setup.sh from Debian's /usr/bin/python3, which can `import uno`; the project's Python
cannot), with a LibreOffice profile and two free ports of its own, started on the first PDF. formgen
talks to it over XML-RPC with the standard library only. One conversion at a time per process (one
LibreOffice converts one document at a time), each with a time limit; a converter that died or
went past the limit is ended and started afresh for the next document. It stops with the process.

Where unoserver is comes from FORMGEN_UNOSERVER (formgen.settings.unoserver_program). Without it, or
when it cannot start, a PDF cannot be made: FormatUnavailable says so, for the person asking, and
nothing else is sent in the PDF's place.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import logging
import os
import shutil
import signal
import socket
import subprocess  # nosec B404 - only to run the converter, below
import sys
import tempfile
import threading
import time
import xmlrpc.client
from pathlib import Path

from formgen.settings import unoserver_program

# Well inside gunicorn's 60 s for a request (formgen/web/server.py); a 17-page record takes about 1 s.
CONVERSION_TIMEOUT_SECONDS = 45.0
START_TIMEOUT_SECONDS = 30.0  # unoserver itself waits 7 s before it answers; it answers in 5 to 8 s
WATCHDOG = Path(__file__).with_name("watchdog.py")
_LOG_TAIL = 2000  # characters of the converter's log kept in formgen's when it will not start
_STARTS = 2  # a start may lose its ports to another process between choosing and binding them
_log = logging.getLogger(__name__)


class FormatError(Exception):
    """A copy that cannot be made in the format asked for; the message says why, for the person asking."""


class FormatUnavailable(FormatError):
    """This server cannot make the format at all now (PDF without a converter that starts)."""


class ConversionFailed(FormatError):
    """The converter ran but made no document."""


class _StoppedAtStart(FormatUnavailable):
    """The converter exited before it answered."""


class _TimedTransport(xmlrpc.client.Transport):
    """XML-RPC over HTTP with a time limit on every call (the standard Transport waits for ever)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host):  # type: ignore[no-untyped-def] # the standard library's signature
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Server:
    """One running unoserver and its LibreOffice, in a process group of their own under the watchdog."""

    def __init__(self, program: Path, start_timeout: float) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="formgen-unoserver-"))
        self.port, uno_port = _free_port(), _free_port()
        while uno_port == self.port:
            uno_port = _free_port()
        command = [
            str(program),
            *("--interface", "127.0.0.1", "--port", str(self.port), "--uno-port", str(uno_port)),
            *("--user-installation", str(self.folder / "profile")),
        ]
        self.log = self.folder / "unoserver.log"
        # The watchdog reads this pipe until it closes, which happens when this process ends.
        reader, self._writer = os.pipe()
        try:
            with self.log.open("wb") as log:
                # A fixed program and arguments, no shell (bandit's B603 warning does not apply).
                self.process = subprocess.Popen(  # nosec B603
                    [sys.executable, "-I", str(WATCHDOG), *command],
                    stdin=reader,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
        except OSError as error:
            self._cleanup()
            raise FormatUnavailable(f"The PDF converter could not be started ({error.strerror})") from None
        finally:
            os.close(reader)
        self._wait_until_it_answers(start_timeout)

    def proxy(self, timeout: float) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(
            f"http://127.0.0.1:{self.port}", transport=_TimedTransport(timeout), allow_none=True
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def answers(self) -> bool:
        """Whether it is running and its LibreOffice answers (unoserver's info() asks LibreOffice)."""
        try:
            self.proxy(timeout=5).info()
        except (OSError, http.client.HTTPException, xmlrpc.client.Error):
            return False
        return self.alive()

    def _wait_until_it_answers(self, start_timeout: float) -> None:
        deadline = time.monotonic() + start_timeout
        while time.monotonic() < deadline:
            if not self.alive():
                # The details are for whoever runs the server, in its log; the person asking is told
                # plainly.
                _log.warning(
                    "unoserver stopped as it started: %s",
                    self.log.read_text("utf-8", "replace").strip()[-_LOG_TAIL:],
                )
                self.stop()
                raise _StoppedAtStart("The PDF converter stopped as it started")
            if self.answers():
                return
            time.sleep(0.2)  # not listening yet
        self.stop()
        raise FormatUnavailable(f"The PDF converter did not start within {start_timeout:.0f} seconds")

    def stop(self) -> None:
        """End the converter and LibreOffice at once: a headless conversion has nothing to save."""
        with contextlib.suppress(ProcessLookupError):  # already gone, with its group
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self._cleanup()

    def _cleanup(self) -> None:
        with contextlib.suppress(OSError):  # closed before
            os.close(self._writer)
        shutil.rmtree(self.folder, ignore_errors=True)


class Converter:
    """A long-lived converter from Word to PDF: started on first use, restarted when it dies or hangs,
    stopped at exit. Safe to share between threads; conversions take turns."""

    def __init__(
        self,
        program: Path,
        *,
        timeout: float = CONVERSION_TIMEOUT_SECONDS,
        start_timeout: float = START_TIMEOUT_SECONDS,
    ) -> None:
        self.program = program
        self.timeout = timeout
        self.start_timeout = start_timeout
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._owner = os.getpid()

    @property
    def process_id(self) -> int | None:
        """The converter's process (the leader of its process group), while one runs."""
        server = self._server
        return server.process.pid if server is not None and server.alive() else None

    def start(self) -> None:
        """Start the converter now rather than on the first PDF (FormatUnavailable if it cannot)."""
        with self._lock:
            self._running()

    def to_pdf(self, content: bytes) -> bytes:
        """A Word document as a PDF."""
        with self._lock:
            try:
                return self._convert(self._running(), content)
            except _Gone:
                # It died since the last document (or as this one arrived): once more, on a new one.
                self._discard()
            try:
                return self._convert(self._running(), content)
            except _Gone:
                self._discard()
                raise FormatUnavailable("The PDF converter stopped while making this PDF") from None

    def stop(self) -> None:
        with self._lock:
            self._discard()

    def _running(self) -> _Server:
        if self._server is not None and not self._server.alive():
            self._discard()
        if self._server is None:
            missing = _not_installed(self.program)
            if missing is not None:
                raise FormatUnavailable(missing)
            self._server = self._start()
        return self._server

    def _start(self) -> _Server:
        for _ in range(_STARTS - 1):
            with contextlib.suppress(_StoppedAtStart):  # its ports taken, perhaps: once more on others
                return _Server(self.program, self.start_timeout)
        return _Server(self.program, self.start_timeout)

    def _convert(self, server: _Server, content: bytes) -> bytes:
        try:
            # unoserver's convert(inpath, indata, outpath, convert_to, filtername, filter_options,
            # update_index, infiltername, password): the document in, the PDF back, nothing on disk.
            result = server.proxy(self.timeout).convert(
                None, xmlrpc.client.Binary(content), None, "pdf", None, [], True, None, None
            )
        except TimeoutError:
            self._discard()  # it may be stuck on this document: the next one gets a fresh converter
            raise ConversionFailed(
                f"The PDF converter took more than {self.timeout:.0f} seconds to make the PDF"
            ) from None
        except (OSError, http.client.HTTPException, xmlrpc.client.ProtocolError):
            raise _Gone from None
        except xmlrpc.client.Fault as fault:
            if not server.answers():  # LibreOffice died under the converter, which is going too
                raise _Gone from None
            raise ConversionFailed(
                f"The PDF converter could not turn the document into a PDF ({fault.faultString[:200]})"
            ) from None
        data = result.data if isinstance(result, xmlrpc.client.Binary) else b""
        if not data.startswith(b"%PDF"):
            raise ConversionFailed("The PDF converter made no PDF of the document")
        return data

    def _discard(self) -> None:
        if self._server is not None:
            server, self._server = self._server, None
            if self._owner == os.getpid():  # a forked copy must not end its parent's converter
                server.stop()


class _Gone(Exception):
    """The converter was not there to answer."""


# One converter per process and program ---------------------------------------------------------

_converters: dict[Path, Converter] = {}
_converters_lock = threading.Lock()
_converters_owner = os.getpid()


def converter(program: Path | None = None) -> Converter:
    """This process's converter (a forked process gets its own, never its parent's)."""
    global _converters_owner
    program = unoserver_program() if program is None else program
    with _converters_lock:
        if _converters_owner != os.getpid():
            _converters.clear()  # the parent's, copied by fork: theirs to stop
            _converters_owner = os.getpid()
        if program not in _converters:
            _converters[program] = Converter(program)
        return _converters[program]


def pdf_unavailable() -> str | None:
    """Why this server cannot make PDFs at all, or None: a cheap look, without starting anything."""
    return _not_installed(unoserver_program())


def _not_installed(program: Path) -> str | None:
    if program.is_file() and os.access(program, os.X_OK):
        return None
    return (
        f"PDF copies cannot be made on this server: its PDF converter ({program}) is not installed "
        "(scripts/setup.sh installs it)"
    )


def to_pdf(content: bytes) -> bytes:
    """A Word document as a PDF, through this process's converter."""
    return converter().to_pdf(content)


@atexit.register
def _stop_all() -> None:
    if _converters_owner == os.getpid():
        for each in list(_converters.values()):
            each.stop()
