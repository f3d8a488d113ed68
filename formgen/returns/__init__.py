"""Statutory returns made from the assessments: the Children in Need census (formgen.returns.cin) and
Ofsted's Annex A list 4 (formgen.returns.annex_a), England's alone (formgen.returns.nations)."""
