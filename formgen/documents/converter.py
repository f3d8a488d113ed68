"""PDF copies through one long-lived LibreOffice per process, served by unoserver.

Starting LibreOffice costs 1.5 s or more, so each process that makes PDFs (a gunicorn worker, a
`formgen render`) keeps one running: `unoserver` from its own virtualenv (`.venv-uno`, made by
scripts/setup.sh from Debian's /usr/bin/python3, which can `import uno`; the project's Python
cannot), with a LibreOffice profile and two free ports of its own, started on the first PDF. formgen
talks to it over XML-RPC with the standard library only. One conversion at a time per process (one
LibreOffice converts one document at a time), each with a time limit; a converter that died or
went past the limit is ended and started afresh for the next document. It stops with the process.

Where unoserver is comes from FORMGEN_UNOSERVER (formgen.settings.unoserver_program). Without it, or
when it cannot start, a PDF cannot be made: FormatUnavailable says so, and nothing else is sent in the
PDF's place. Its message is a plain sentence for the person asking; what went wrong on the server (a
path, the converter's own log, how to install it) is in its `detail` and in formgen's log, for whoever
runs the server. A start that failed is not tried again for FAILED_START_SECONDS, so a pack of several
PDF copies is refused at once rather than once per copy.

No to_pdf call takes longer than about REQUEST_SECONDS: the wait for the converter (another thread's
conversion), its start and the conversion share one deadline. gunicorn's gthread workers do not limit
a request's time (their timeout is a heartbeat of the worker, not of each request), so this limit is
the one a person waiting for a PDF can count on.
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
import weakref
import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path

from formgen.settings import unoserver_program

# A 17-page record converts in about 1 s: 45 s is a converter stuck on the document.
CONVERSION_TIMEOUT_SECONDS = 45.0
START_TIMEOUT_SECONDS = 30.0  # unoserver itself waits 7 s before it answers; it answers in 5 to 8 s
REQUEST_SECONDS = 50.0  # the most one to_pdf waits, all told, before it answers
FAILED_START_SECONDS = 60.0  # after a failed start, PDFs are refused at once for this long
# The person asking is told this plainly whatever kept the converter from starting; the details are logged.
UNAVAILABLE = "PDF copies cannot be made on this server at the moment"
BUSY = "The PDF converter is busy: try again in a minute"
WATCHDOG = Path(__file__).with_name("watchdog.py")
_LOG_TAIL = 2000  # characters of the converter's log kept in formgen's when it will not start
_STARTS = 2  # a start may lose its ports to another process between choosing and binding them
_log = logging.getLogger(__name__)


class FormatError(Exception):
    """A copy that cannot be made in the format asked for. The message says why, for the person asking,
    in words that name nothing of the server; `detail`, when there is one, is for whoever runs it."""

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = detail

    def for_administrator(self) -> str:
        """The message with the server's details, for the command line and the log."""
        return f"{self}: {self.detail}" if self.detail else str(self)


class FormatUnavailable(FormatError):
    """This server cannot make the format at all now (PDF without a converter that starts)."""


class ConversionFailed(FormatError):
    """The converter ran but made no document."""


class _StoppedAtStart(FormatUnavailable):
    """The converter exited before it answered."""


class _TooSlow(FormatUnavailable):
    """The converter did not answer within the time it was given to start."""


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
        self._writer = -1
        self.folder: Path | None = None
        try:
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
            finally:
                os.close(reader)
        except OSError as error:  # no temporary folder, no pipe, no process: no PDFs now
            self._cleanup()
            raise _unavailable(f"the PDF converter could not be started ({error})") from None
        self._wait_until_it_answers(start_timeout)

    def proxy(self, timeout: float) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(
            f"http://127.0.0.1:{self.port}", transport=_TimedTransport(timeout), allow_none=True
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def answers(self, timeout: float = 5) -> bool:
        """Whether it is running and its LibreOffice answers (unoserver's info() asks LibreOffice)."""
        try:
            self.proxy(timeout=max(timeout, 0.1)).info()
        except (OSError, http.client.HTTPException, xmlrpc.client.Error):
            return False
        return self.alive()

    def _wait_until_it_answers(self, start_timeout: float) -> None:
        deadline = time.monotonic() + start_timeout
        while time.monotonic() < deadline:
            if not self.alive():
                tail = self.log.read_text("utf-8", "replace").strip()[-_LOG_TAIL:]
                self.stop()
                detail = f"the PDF converter stopped as it started: {tail or 'it wrote nothing'}"
                _log.warning("PDF copies cannot be made: %s", detail)
                raise _StoppedAtStart(UNAVAILABLE, detail)
            if self.answers(deadline - time.monotonic()):
                return
            time.sleep(0.2)  # not listening yet
        self.stop()
        detail = f"the PDF converter did not start within {start_timeout:.0f} seconds"
        _log.warning("PDF copies cannot be made: %s", detail)
        raise _TooSlow(UNAVAILABLE, detail)

    def stop(self) -> None:
        """End the converter and LibreOffice at once: a headless conversion has nothing to save."""
        with contextlib.suppress(ProcessLookupError):  # already gone, with its group
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self._cleanup()

    def _cleanup(self) -> None:
        self.let_go()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def let_go(self) -> None:
        """Close this process's end of the watchdog's pipe (once): when no process holds it, the
        watchdog ends the converter."""
        if self._writer >= 0:
            os.close(self._writer)
            self._writer = -1


class Converter:
    """A long-lived converter from Word to PDF: started on first use, restarted when it dies or hangs,
    stopped at exit. Safe to share between threads; conversions take turns."""

    def __init__(
        self,
        program: Path,
        *,
        timeout: float = CONVERSION_TIMEOUT_SECONDS,
        start_timeout: float = START_TIMEOUT_SECONDS,
        limit: float = REQUEST_SECONDS,
    ) -> None:
        self.program = program
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.limit = limit
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._failed: tuple[float, FormatUnavailable] | None = None  # until when, and why
        _every_converter.add(self)

    @property
    def process_id(self) -> int | None:
        """The converter's process (the leader of its process group), while one runs."""
        server = self._server
        return server.process.pid if server is not None and server.alive() else None

    def start(self) -> None:
        """Start the converter now rather than on the first PDF (FormatUnavailable if it cannot)."""
        deadline = time.monotonic() + self.limit
        with self._turn(deadline):
            self._running(deadline)

    def to_pdf(self, content: bytes) -> bytes:
        """A Word document as a PDF, within `limit` seconds or FormatError."""
        deadline = time.monotonic() + self.limit
        with self._turn(deadline):
            for _attempt in range(2):  # a converter that died since the last document: once more
                server = self._running(deadline)
                try:
                    return self._convert(server, content, deadline)
                except (_Gone, _Stuck) as problem:
                    # Dead, or perhaps stuck on this document: the next attempt gets a fresh one.
                    self._discard()
                    if isinstance(problem, _Stuck):
                        raise ConversionFailed(str(problem)) from None
            raise _unavailable("the PDF converter stopped twice while making one PDF")

    def stop(self) -> None:
        with self._lock:
            self._discard()

    @contextlib.contextmanager
    def _turn(self, deadline: float) -> Iterator[None]:
        """This thread's turn at the converter, or BUSY when another's lasts past the deadline."""
        self._refuse_after_failed_start()  # at once, without queueing behind a start bound to fail
        if not self._lock.acquire(timeout=max(deadline - time.monotonic(), 0)):
            raise FormatUnavailable(BUSY, "another conversion held the PDF converter past the time limit")
        try:
            yield
        finally:
            self._lock.release()

    def _refuse_after_failed_start(self) -> None:
        failed = self._failed
        if failed is not None and time.monotonic() < failed[0]:
            raise FormatUnavailable(str(failed[1]), f"{failed[1].detail} (not tried again yet)")

    def _running(self, deadline: float) -> _Server:
        if self._server is not None and not self._server.alive():
            self._discard()
        if self._server is None:
            self._refuse_after_failed_start()  # another thread's start failed while this one waited
            missing = _not_installed(self.program)
            if missing is not None:
                raise missing
            allowed = self._within(self.start_timeout, deadline)
            if allowed <= 0:  # the wait for another conversion used this request's time
                raise FormatUnavailable(BUSY, "no time was left to start the PDF converter")
            try:
                self._server = self._start(deadline)
            except FormatUnavailable as error:
                # A start cut short by this request's deadline says nothing of the next one's.
                if not (isinstance(error, _TooSlow) and allowed < self.start_timeout):
                    self._failed = (time.monotonic() + FAILED_START_SECONDS, error)
                raise
            self._failed = None
        return self._server

    def _start(self, deadline: float) -> _Server:
        for _ in range(_STARTS - 1):
            with contextlib.suppress(_StoppedAtStart):  # its ports taken, perhaps: once more on others
                return _Server(self.program, self._within(self.start_timeout, deadline))
        return _Server(self.program, self._within(self.start_timeout, deadline))

    @staticmethod
    def _within(limit: float, deadline: float) -> float:
        return max(min(limit, deadline - time.monotonic()), 0.0)

    def _convert(self, server: _Server, content: bytes, deadline: float) -> bytes:
        limit = self._within(self.timeout, deadline)
        try:
            # unoserver's convert(inpath, indata, outpath, convert_to, filtername, filter_options,
            # update_index, infiltername, password): the document in, the PDF back, nothing on disk.
            result = server.proxy(max(limit, 0.01)).convert(
                None, xmlrpc.client.Binary(content), None, "pdf", None, [], True, None, None
            )
        except TimeoutError:
            raise _Stuck(f"The PDF converter took more than {limit:.0f} seconds to make the PDF") from None
        except (OSError, http.client.HTTPException, xmlrpc.client.ProtocolError):
            raise _Gone from None
        except xmlrpc.client.Fault as fault:
            if not server.answers(self._within(5, deadline)):  # LibreOffice died, the converter goes too
                raise _Gone from None
            # What LibreOffice said names the server's files: for its log, not for the person asking.
            detail = f"LibreOffice said: {fault.faultString[:_LOG_TAIL]}"
            _log.warning("the PDF converter could not convert a document: %s", detail)
            raise ConversionFailed(
                "The PDF converter could not turn the document into a PDF", detail
            ) from None
        data = result.data if isinstance(result, xmlrpc.client.Binary) else b""
        if not data.startswith(b"%PDF"):
            raise ConversionFailed("The PDF converter made no PDF of the document")
        return data

    def _discard(self) -> None:
        if self._server is not None:
            server, self._server = self._server, None
            server.stop()

    def _forget_after_fork(self) -> None:
        """In a forked child: the running converter is the parent's, and so may be the lock."""
        self._lock = threading.Lock()
        if self._server is not None:
            self._server.let_go()  # or the parent's watchdog would wait for this process too
            self._server = None


class _Gone(Exception):
    """The converter was not there to answer."""


class _Stuck(Exception):
    """The converter did not answer within the time limit."""


def _unavailable(detail: str) -> FormatUnavailable:
    """FormatUnavailable for the person asking, with what happened logged for whoever runs the server."""
    _log.warning("PDF copies cannot be made: %s", detail)
    return FormatUnavailable(UNAVAILABLE, detail)


# One converter per process and program ---------------------------------------------------------

_converters: dict[Path, Converter] = {}
_converters_lock = threading.Lock()
_every_converter: weakref.WeakSet[Converter] = weakref.WeakSet()  # this process's, to forget at fork
_said_missing: set[Path] = set()  # programs pdf_unavailable has logged as missing


def converter(program: Path | None = None) -> Converter:
    """This process's converter (a forked process gets its own, never its parent's)."""
    program = unoserver_program() if program is None else program
    with _converters_lock:
        if program not in _converters:
            _converters[program] = Converter(program, start_timeout=START_TIMEOUT_SECONDS)
        return _converters[program]


def _after_fork_in_child() -> None:
    # A forked process (a gunicorn worker, a test) has copies of its parent's converters: theirs to
    # use and to stop. It lets go of their watchdogs' pipes, so a converter still ends with the process
    # that started it, and takes fresh locks, since one may have been held by another thread at fork.
    global _converters_lock
    _converters_lock = threading.Lock()
    for each in list(_every_converter):
        each._forget_after_fork()
    _converters.clear()


os.register_at_fork(after_in_child=_after_fork_in_child)


def pdf_unavailable() -> str | None:
    """Why this server cannot make PDFs at all, for the person asking, or None: a cheap look, without
    starting anything."""
    program = unoserver_program()
    # Asked on every page that lists PDF copies: the log hears of a missing converter once a process.
    missing = _not_installed(program, log=program not in _said_missing)
    if missing is None:
        return None
    _said_missing.add(program)
    return str(missing)


def _not_installed(program: Path, *, log: bool = True) -> FormatUnavailable | None:
    if program.is_file() and os.access(program, os.X_OK):
        return None
    detail = f"its PDF converter ({program}) is not installed (scripts/setup.sh installs it)"
    return _unavailable(detail) if log else FormatUnavailable(UNAVAILABLE, detail)


def to_pdf(content: bytes) -> bytes:
    """A Word document as a PDF, through this process's converter."""
    return converter().to_pdf(content)


@atexit.register
def _stop_all() -> None:
    for each in list(_converters.values()):
        each.stop()
