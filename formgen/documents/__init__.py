"""The Word documents: the record, each recipient's plan and outcome, and the child's version, built
from the saved answers."""

from formgen.documents.assemble import (
    Copy,
    NoSuchDocument,
    copies_for,
    documents_for,
    file_name,
    render_document,
    write_documents,
)
from formgen.documents.context import DOCUMENTS, build_context
from formgen.documents.render import TemplateError, TemplateStore

__all__ = [
    "DOCUMENTS",
    "Copy",
    "NoSuchDocument",
    "TemplateError",
    "TemplateStore",
    "build_context",
    "copies_for",
    "documents_for",
    "file_name",
    "render_document",
    "write_documents",
]
