"""Both catalogues are complete: every message has a translation."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.utils import translation

CATALOGUES = sorted(Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/*.po"))


def test_catalogues_exist_for_both_languages():
    languages = {path.parts[-3] for path in CATALOGUES}
    assert {"zh_Hans", "en"} <= languages


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: "/".join(p.parts[-3:]))
def test_catalogue_has_no_untranslated_or_fuzzy_entries(path):
    catalogue = polib.pofile(str(path))
    missing = [entry.msgid for entry in catalogue if not entry.translated() or "fuzzy" in entry.flags]
    assert missing == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: "/".join(p.parts[-3:]))
def test_catalogue_placeholders_match_the_source(path):
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
    catalogue = polib.pofile(str(path))
    wrong = [
        entry.msgid
        for entry in catalogue
        if not entry.msgid_plural
        and sorted(placeholder.findall(entry.msgid)) != sorted(placeholder.findall(entry.msgstr))
    ]
    assert wrong == []


@pytest.mark.parametrize("validator", [MinLengthValidator(10), MaxLengthValidator(1)])
def test_length_errors_speak_to_borrowers_not_programmers(validator):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validator("ab")
    assert "变量" not in refused.value.messages[0]
