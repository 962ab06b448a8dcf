"""The subset of Bootstrap the layouts link: how it is cut, and that the
committed file is what the templates need."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command

from portal.bootstrap_subset import (
    BOOTSTRAP_STATIC_NAME,
    SUBSET_PATH,
    split_blocks,
    split_selectors,
    subset,
    usage_of,
)

TEMPLATE_DIRS = [settings.BASE_DIR / "templates"]
CLASS_ATTRIBUTE = re.compile(r"""\bclass=(["'])(.*?)\1""", re.DOTALL)
TEMPLATE_CODE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)


def trimmed(css: str, *sources: str) -> str:
    return subset(css, usage_of(sources))


def classes_in(css: str) -> set[str]:
    """Every class a selector of ``css`` names, at any depth of at-rules."""
    names: set[str] = set()
    for block in split_blocks(css):
        if block.body is None:
            continue
        if block.prelude.startswith("@"):
            if "{" in block.body:
                names |= classes_in(block.body)
            continue
        for selector in split_selectors(block.prelude):
            names.update(re.findall(r"\.(-?[_A-Za-z][\w-]*)", re.sub(r"\[[^\]]*\]", "", selector)))
    return names


def template_classes() -> set[str]:
    """The words in every class attribute of every template (both engines),
    template code taken out: what is left are the classes written in them."""
    words: set[str] = set()
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            for _quote, value in CLASS_ATTRIBUTE.findall(path.read_text(encoding="utf-8")):
                words.update(TEMPLATE_CODE.sub(" ", value).split())
    return words


def test_committed_subset_is_what_the_sources_make_today():
    call_command("bootstrap_subset", "--check")


def test_every_bootstrap_class_a_template_writes_is_in_the_subset():
    bootstrap = classes_in(Path(finders.find(BOOTSTRAP_STATIC_NAME)).read_text(encoding="utf-8"))
    committed = classes_in((settings.BASE_DIR / SUBSET_PATH).read_text(encoding="utf-8"))
    used = template_classes() & bootstrap
    assert {"btn", "container", "alert"} <= used
    assert used - committed == set()


def test_check_fails_when_the_committed_file_is_out_of_date(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    call_command("bootstrap_subset", verbosity=0)
    call_command("bootstrap_subset", "--check", verbosity=0)
    path = tmp_path / SUBSET_PATH
    path.write_text(path.read_text(encoding="utf-8") + ".stale{}", encoding="utf-8")
    with pytest.raises(CommandError, match="out of date"):
        call_command("bootstrap_subset", "--check", verbosity=0)


def test_a_rule_for_a_class_no_source_names_is_dropped():
    assert trimmed(".btn{a:1}.card{b:2}", 'class="btn"') == ".btn{a:1}\n"


def test_rules_without_classes_are_kept():
    assert trimmed(":root{--x:1}body{margin:0}h1,.h1{c:3}", "") == ":root{--x:1}body{margin:0}h1{c:3}\n"


def test_a_selector_list_keeps_only_the_selectors_a_page_can_match():
    assert trimmed(".btn:hover,.card .btn,.alert>.btn{c:1}", "btn alert") == ".btn:hover,.alert>.btn{c:1}\n"


def test_a_selector_needs_every_class_it_names():
    assert trimmed(".btn.active{c:1}", "btn") == "\n"


def test_a_class_inside_a_negation_is_not_needed_for_a_match():
    assert trimmed(".btn:not(.disabled){c:1}", "btn") == ".btn:not(.disabled){c:1}\n"


def test_media_queries_keep_only_usable_rules_and_go_when_empty():
    css = "@media (min-width:768px){.btn{a:1}.card{b:2}}@media print{.card{c:3}}"
    assert trimmed(css, "btn") == "@media (min-width:768px){.btn{a:1}}\n"


def test_braces_inside_strings_do_not_end_a_rule():
    css = """.btn{background:url("data:image/svg+xml,{x}")}.card{content:'}'}"""
    assert trimmed(css, "btn") == """.btn{background:url("data:image/svg+xml,{x}")}\n"""


def test_keyframes_go_with_the_last_rule_that_animated_them():
    css = "@keyframes spin{to{transform:rotate(1turn)}}.spinner{animation:spin 1s}"
    assert trimmed(css, "") == "\n"
    assert trimmed(css, "spinner").startswith("@keyframes spin{")


def test_a_class_prefix_before_template_code_keeps_every_class_it_can_become():
    css = ".alert-info{a:1}.alert-danger{b:2}.badge{c:3}"
    for source in ('class="alert-{{ level }}"', 'class="alert-{% if x %}info{% endif %}"', 'f"alert-{level}"'):
        assert trimmed(css, source) == ".alert-info{a:1}.alert-danger{b:2}\n"


def test_theme_attribute_selectors_go_unless_a_source_sets_the_attribute():
    css = ":root,[data-bs-theme=light]{a:1}[data-bs-theme=dark]{b:2}[hidden]{c:3}"
    assert trimmed(css, "") == ":root{a:1}[hidden]{c:3}\n"
    assert trimmed(css, 'data-bs-theme="dark"') == css + "\n"


def test_the_licence_comment_stays_and_the_source_map_comment_goes():
    css = '@charset "UTF-8";/*!\n * Bootstrap\n */body{a:1}\n/*# sourceMappingURL=bootstrap.min.css.map */'
    assert subset(css, usage_of([]), banner="made here") == (
        '@charset "UTF-8";/*!\n * Bootstrap\n */\n/* made here */\nbody{a:1}\n'
    )


def test_unbalanced_braces_are_refused():
    with pytest.raises(ValueError, match="unbalanced"):
        split_blocks(".btn{a:1")
