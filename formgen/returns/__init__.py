"""Statutory returns made from the assessments: the Children in Need census (formgen.returns.cin)."""
