"""Run the DfE's rules (Data to Insight's `csc-validator-be-cin`) on a Children in Need census XML file.

Run by the Python of `.venv-cin` (scripts/setup.sh dev makes it), never imported by formgen or its
tests: the validator pins pandas 1 and numpy 1, so it lives in a virtualenv of its own. Prints one JSON
object: the child-level issues (`children`: rule, LAchildID, message) and the return-level ones.

Usage: .venv-cin/bin/python tests/returns/dfe_validator.py FILE.xml [YEAR-MODULE]
"""

import importlib
import json
import sys
import xml.etree.ElementTree as ET

from cin_validator.cin_validator import CinValidator, convert_data, process_data

RULESET = "cin_validator.rules.cin2025_26"


def _plain(value):
    return None if value is None or value != value else str(value)  # NaN is not equal to itself


def main() -> None:
    path = sys.argv[1]
    ruleset = sys.argv[2] if len(sys.argv) > 2 else RULESET
    tables = process_data(convert_data(ET.parse(path).getroot()))
    registry = importlib.import_module(ruleset).registry
    kinds = {str(rule.code): rule.rule_type.value for rule in registry.values()}  # "Error" or "Query"
    result = CinValidator(tables, registry)
    issues = result.full_issue_df
    children = [
        {
            "rule": _plain(row.get("rule_code")),
            "child": _plain(row.get("child_id")),
            "message": _plain(row.get("rule_description")),
            "kind": kinds.get(_plain(row.get("rule_code"))),
        }
        for row in issues.to_dict("records")
    ]
    multichild = getattr(result, "multichild_issues", None)
    whole = (
        []
        if multichild is None
        else [{k: _plain(v) for k, v in r.items()} for r in multichild.to_dict("records")]
    )
    sys.stdout.write(json.dumps({"children": children, "return": whole}) + "\n")


if __name__ == "__main__":
    main()
