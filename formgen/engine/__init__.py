"""The assessment engine: pure Python over a form spec and plain JSON answers. It knows nothing of Flask."""

from formgen.engine.assessment import Assessment, FieldError, Status
from formgen.engine.casefile import CaseFile, ChildRecord, answer_problems, load_case

__all__ = ["Assessment", "CaseFile", "ChildRecord", "FieldError", "Status", "answer_problems", "load_case"]
