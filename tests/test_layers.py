"""The layers in .importlinter hold: each app imports only the layers below it."""

from pathlib import Path

from django.conf import settings
from importlinter.cli import lint_imports


def test_every_app_imports_only_the_layers_below_it():
    contract = Path(settings.BASE_DIR) / ".importlinter"
    assert lint_imports(config_filename=str(contract), no_cache=True, no_logo=True) == 0
