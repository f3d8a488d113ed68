"""Run a command, and end it with everything it started when the process that launched us goes away.

    python watchdog.py PROGRAM ARGUMENT...

Started by formgen.documents.converter with a pipe on standard input whose other end only formgen
holds: when formgen's process ends, however it ends (a gunicorn worker killed for taking too long
included), the pipe closes and the converter and its LibreOffice go with it, instead of living on
with a profile and two ports nobody will use again. When the command ends by itself the watchdog
ends too, so formgen sees a converter that died. Standard library only: it runs before anything of
formgen is imported.
"""

from __future__ import annotations

import os
import signal
import subprocess  # nosec B404 - runs the converter formgen named
import sys
import threading


def main(command: list[str]) -> int:
    # formgen starts us as the leader of a process group of our own: the command and LibreOffice are
    # in it, so one signal to the group ends them all.
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL)  # nosec B603 - no shell

    def parent_gone() -> None:
        sys.stdin.buffer.read()  # returns only at end of file: formgen's end of the pipe is closed
        os.killpg(os.getpgid(0), signal.SIGKILL)

    threading.Thread(target=parent_gone, daemon=True).start()
    code = child.wait()
    os.killpg(os.getpgid(0), signal.SIGKILL)  # LibreOffice too, which may outlive the converter
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
