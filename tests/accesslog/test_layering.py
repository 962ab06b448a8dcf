"""The access log sits below every app that shows personal data, so it
must import none of them (a string relation is not an import)."""

import ast
from pathlib import Path

import accesslog

ABOVE = {"portal", "desk", "complaints", "notices", "conduct", "loans", "agencies"}


def test_accesslog_imports_nothing_from_the_apps_above_it():
    found = []
    for path in Path(accesslog.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            found += [f"{path.name}: {name}" for name in names if name.split(".")[0] in ABOVE]
    assert found == []
