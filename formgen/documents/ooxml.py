"""What every reader of a Word file's XML shares: the WordprocessingML namespace, the one parser for
files an authority or a user supplied, and rewriting some parts of the zip while keeping the rest."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from lxml import etree

W_NAMESPACE = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NAMESPACE}}}"  # Clark notation prefix: W + "p" is a paragraph's tag
# A template is the authority's file and a document holds what people typed: no entity is resolved
# (no file read, no billion laughs), nothing is fetched, and a long document is not refused as huge.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def parse(data: bytes) -> etree._Element:
    """One part's XML, read with PARSER; raises etree.XMLSyntaxError for XML that is not well formed."""
    return etree.fromstring(data, PARSER)


def serialise(root: etree._Element) -> bytes:
    """A part as Word writes it: UTF-8 with a standalone declaration."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def rewrite_parts(content: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The zip with each part `change(name, data)` returns new bytes for replaced (None keeps it), every
    entry kept in its order with its own name and dates, and compressed."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(output, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            changed = change(entry.filename, data)
            target.writestr(entry, data if changed is None else changed, compress_type=zipfile.ZIP_DEFLATED)
    return output.getvalue()
