"""The part of Bootstrap's stylesheet the portal's pages can use.

Bootstrap's full stylesheet (233 KB, 31 KB gzipped) was most of every
borrower page's weight. The pages use a few dozen of its classes, so the
layouts link ``static/css/bootstrap-subset.min.css`` instead: Bootstrap's own
rules, in Bootstrap's order, less every rule that needs a class no template
or Python source of ours (or of crispy-forms, which renders our forms) can put
on the page. No Node build step: ``manage.py bootstrap_subset`` regenerates
the committed file and a test fails when it is out of date.

Which classes a page can carry is over-approximated on purpose: any word in a
template or source file that names a Bootstrap class counts as a use, and a
word that ends in ``-`` right before a template expression or format field
(``alert-{{ level }}``, ``f"alert-{level}"``) keeps every class that starts
with it. A spare rule costs a few bytes; a missing one breaks a page.

The CSS is split with a small tokenizer that knows strings, comments and
nested blocks, which is all Bootstrap's minified CSS needs; it is not a
general CSS parser.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# At-rules whose block holds rules (and so is trimmed recursively); any other
# at-rule's block (@keyframes, @font-face) is kept or dropped whole.
GROUPING_AT_RULES = ("@media", "@supports", "@layer", "@container")

_WORD = re.compile(r"[A-Za-z0-9_-]+")
# A class prefix completed by a template expression or a format field.
_PREFIX = re.compile(r"([A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*-)\{")
_CLASS = re.compile(r"\.(-?[_A-Za-z][\w-]*)")
_BRACKETS = re.compile(r"\[([^\]]*)\]")
_ATTRIBUTE_NAME = re.compile(r"^\s*([\w-]+)")
# Folders under the checkout that hold no page's source.
_NOT_SOURCES = {"tests", "migrations", "bench", "var", "node_modules", "__pycache__", "static", "locale"}
_KEYFRAMES = re.compile(r"@(?:-webkit-)?keyframes\s+([\w-]+)")


@dataclass(frozen=True)
class Usage:
    """The words and class prefixes found in the sources that build the pages."""

    words: frozenset[str]
    prefixes: frozenset[str]

    def allows(self, name: str) -> bool:
        return name in self.words or any(name.startswith(prefix) for prefix in self.prefixes)


def usage_of(texts: Iterable[str]) -> Usage:
    words: set[str] = set()
    prefixes: set[str] = set()
    for text in texts:
        words.update(_WORD.findall(text))
        prefixes.update(_PREFIX.findall(text))
    return Usage(words=frozenset(words), prefixes=frozenset(prefixes))


@dataclass(frozen=True)
class Block:
    """One top-level statement: ``prelude{body}``, or ``prelude;`` (body None)."""

    prelude: str
    body: str | None

    def text(self) -> str:
        return f"{self.prelude};" if self.body is None else f"{self.prelude}{{{self.body}}}"


def _skip_string(css: str, index: int) -> int:
    """Index just past the string that starts at ``index``."""
    quote = css[index]
    index += 1
    while index < len(css):
        char = css[index]
        if char == "\\":
            index += 2
            continue
        if char == quote:
            return index + 1
        index += 1
    raise ValueError("unterminated string in stylesheet")


def _skip_comment(css: str, index: int) -> int:
    end = css.find("*/", index + 2)
    if end < 0:
        raise ValueError("unterminated comment in stylesheet")
    return end + 2


def split_blocks(css: str) -> list[Block]:
    """The top-level statements of ``css``, comments dropped."""
    blocks: list[Block] = []
    prelude: list[str] = []
    index = 0
    while index < len(css):
        char = css[index]
        if css.startswith("/*", index):
            index = _skip_comment(css, index)
        elif char in "\"'":
            end = _skip_string(css, index)
            prelude.append(css[index:end])
            index = end
        elif char == ";":
            blocks.append(Block("".join(prelude).strip(), None))
            prelude = []
            index += 1
        elif char == "{":
            start = index + 1
            depth = 1
            index = start
            while depth:
                if index >= len(css):
                    raise ValueError("unbalanced braces in stylesheet")
                if css.startswith("/*", index):
                    index = _skip_comment(css, index)
                    continue
                char = css[index]
                if char in "\"'":
                    index = _skip_string(css, index)
                    continue
                depth += {"{": 1, "}": -1}.get(char, 0)
                index += 1
            blocks.append(Block("".join(prelude).strip(), css[start : index - 1]))
            prelude = []
        elif char == "}":
            raise ValueError("unbalanced braces in stylesheet")
        else:
            prelude.append(char)
            index += 1
    if "".join(prelude).strip():
        raise ValueError("stylesheet ends inside a statement")
    return blocks


def split_selectors(prelude: str) -> list[str]:
    """A selector list split on its top-level commas (not those in ``:is(a,b)``)."""
    selectors, depth, start = [], 0, 0
    for index, char in enumerate(prelude):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            selectors.append(prelude[start:index])
            start = index + 1
    selectors.append(prelude[start:])
    return [selector.strip() for selector in selectors]


def _outside_parentheses(selector: str) -> str:
    """The selector without what functional pseudo-classes hold: a class
    inside ``:not(.x)`` is not needed for the selector to match."""
    kept, depth = [], 0
    for char in selector:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0:
            kept.append(char)
    return "".join(kept)


def selector_is_usable(selector: str, usage: Usage) -> bool:
    """Whether a page of ours can match ``selector``: each class it requires
    and each ``data-bs-*`` attribute it tests is one the sources use."""
    outside = _outside_parentheses(selector)
    attributes = [_ATTRIBUTE_NAME.match(inner) for inner in _BRACKETS.findall(outside)]
    for attribute in attributes:
        if attribute and attribute.group(1).startswith("data-bs-") and not usage.allows(attribute.group(1)):
            return False
    classes = _CLASS.findall(_BRACKETS.sub("", outside))
    return all(usage.allows(name) for name in classes)


def _trim(blocks: list[Block], usage: Usage) -> list[Block]:
    kept: list[Block] = []
    for block in blocks:
        if block.body is None or block.prelude.startswith("@") and not block.prelude.startswith(GROUPING_AT_RULES):
            kept.append(block)
        elif block.prelude.startswith("@"):
            inner = _trim(split_blocks(block.body), usage)
            if inner:
                kept.append(Block(block.prelude, "".join(child.text() for child in inner)))
        else:
            selectors = [s for s in split_selectors(block.prelude) if selector_is_usable(s, usage)]
            if selectors:
                kept.append(Block(",".join(selectors), block.body))
    return kept


def _drop_unused_keyframes(blocks: list[Block]) -> list[Block]:
    """Keyframes only the dropped rules animated go too (a name is used when
    any kept block other than its own definition mentions it)."""

    def names_in(block: Block) -> set[str]:
        return set(_WORD.findall(block.text()))

    kept = []
    for block in blocks:
        match = _KEYFRAMES.match(block.prelude)
        if match and not any(match.group(1) in names_in(other) for other in blocks if other is not block):
            continue
        kept.append(block)
    return kept


def subset(css: str, usage: Usage, *, banner: str = "") -> str:
    """Bootstrap's ``css`` less the rules no page of ours can match, with its
    licence comment and an optional ``banner`` comment after it."""
    licence = re.search(r"/\*!.*?\*/", css, re.DOTALL)
    blocks = _drop_unused_keyframes(_trim(split_blocks(css), usage))
    charset = [block for block in blocks if block.prelude.startswith("@charset")]
    rest = [block for block in blocks if not block.prelude.startswith("@charset")]
    head = "".join(block.text() for block in charset)
    if licence:
        head += licence.group(0)
    if banner:
        head += f"\n/* {banner} */\n"
    return head + "".join(block.text() for block in rest) + "\n"


def source_texts(paths: Iterable[Path]) -> Iterable[str]:
    for path in paths:
        yield path.read_text(encoding="utf-8")


def source_paths(*, base_dir: Path, packages: Iterable[Path]) -> list[Path]:
    """The files whose words decide which classes a page can carry: every
    template (Django's under ``templates/`` and the apps' ``templates/``,
    Jinja2's under ``templates/jinja2/``), the project's Python (widgets, messages, classes
    computed in code) and the templates and code of the packages that render
    our forms. Tests, migrations, the virtual environment and the
    benchmarks are not pages' sources."""
    paths = []
    for folder, subfolders, files in os.walk(base_dir):
        subfolders[:] = sorted(name for name in subfolders if name not in _NOT_SOURCES and not name.startswith("."))
        in_templates = "templates" in Path(folder).relative_to(base_dir).parts
        paths += [Path(folder, name) for name in files if in_templates or name.endswith(".py")]
    for package in packages:
        paths += [path for path in package.rglob("*") if path.suffix in {".html", ".py"}]
    return sorted(set(paths))


SUBSET_PATH = Path("static/css/bootstrap-subset.min.css")
BOOTSTRAP_STATIC_NAME = "bootstrap/css/bootstrap.min.css"
BANNER = "The rules of it the portal's pages can use: made by `manage.py bootstrap_subset`, do not edit."
# The packages whose templates and code render our forms (`|crispy`).
FORM_PACKAGES = ("crispy_forms", "crispy_bootstrap5")


def portal_subset(*, base_dir: Path) -> str:
    """The subset for this checkout, as the committed file should read."""
    import importlib

    from django.contrib.staticfiles import finders

    bootstrap = finders.find(BOOTSTRAP_STATIC_NAME)
    if not bootstrap:
        raise FileNotFoundError(BOOTSTRAP_STATIC_NAME)
    packages = [Path(importlib.import_module(name).__file__).parent for name in FORM_PACKAGES]
    usage = usage_of(source_texts(source_paths(base_dir=base_dir, packages=packages)))
    return subset(Path(bootstrap).read_text(encoding="utf-8"), usage, banner=BANNER)
