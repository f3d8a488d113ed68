"""Form specifications: the assessment as data (YAML), loaded, adapted by an overlay and checked."""

from formgen.spec.form import FieldInfo, FormSpec
from formgen.spec.loader import available_authorities, load_spec
from formgen.spec.problems import Problem, SpecError

__all__ = ["FieldInfo", "FormSpec", "Problem", "SpecError", "available_authorities", "load_spec"]
