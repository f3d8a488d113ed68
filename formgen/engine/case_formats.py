"""Case files written by older versions of formgen, brought up to today's format one version at a time.

Every change to the case file raises `VERSION` and adds the step from the version before, so a file
exported years ago still imports; a file from a newer formgen is refused with a message rather than
read wrongly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

PREFIX = "formgen-case/"
VERSION = 2
FORMAT = f"{PREFIX}{VERSION}"
_FORMAT = re.compile(rf"{re.escape(PREFIX)}([1-9][0-9]{{0,3}})")

Data = dict[str, Any]


class FormatError(ValueError):
    """A case file whose `format` this formgen cannot read."""


def _from_1(data: Data) -> Data:
    # 2 lets a case have no children yet (one exported straight after the referral) and limits the
    # reference to what can stand in a web address; the answers did not change.
    return {**data, "format": f"{PREFIX}2"}


STEPS: dict[int, Callable[[Data], Data]] = {1: _from_1}


def version_of(data: Data) -> int:
    written = data.get("format")
    match = _FORMAT.fullmatch(written) if isinstance(written, str) else None
    if match is None:
        raise FormatError(f"format must be {FORMAT!r} (or an older {PREFIX}N), not {written!r}")
    version = int(match.group(1))
    if version > VERSION:
        raise FormatError(
            f"this case file was written by a newer formgen ({written}): this one reads {PREFIX}1 to {FORMAT}"
        )
    return version


def upgraded(data: Data) -> Data:
    """The case file's data in today's format."""
    version = version_of(data)
    while version < VERSION:
        data = STEPS[version](data)
        version += 1
    return data
