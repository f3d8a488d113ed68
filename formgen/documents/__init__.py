"""The Word documents: the record, the plan and the child's version, built from the saved answers."""

from formgen.documents.assemble import NoSuchDocument, documents_for, render_document, write_documents
from formgen.documents.context import DOCUMENTS, build_context
from formgen.documents.render import TemplateError, TemplateStore

__all__ = [
    "DOCUMENTS",
    "NoSuchDocument",
    "TemplateError",
    "TemplateStore",
    "build_context",
    "documents_for",
    "render_document",
    "write_documents",
]
