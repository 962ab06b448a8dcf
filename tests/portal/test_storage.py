"""Collected static files are named by their hash whatever DEBUG says."""

import json

from portal.storage import CollectedStaticFilesStorage


def _storage(tmp_path) -> CollectedStaticFilesStorage:
    manifest = {"version": "1.1", "paths": {"css/portal.css": "css/portal.0123456789ab.css"}, "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return CollectedStaticFilesStorage(location=tmp_path, base_url="/static/")


def test_url_names_the_hashed_file_with_debug_on(settings, tmp_path):
    settings.DEBUG = True
    assert _storage(tmp_path).url("css/portal.css") == "/static/css/portal.0123456789ab.css"


def test_url_names_the_hashed_file_in_production(settings, tmp_path):
    settings.DEBUG = False
    assert _storage(tmp_path).url("css/portal.css") == "/static/css/portal.0123456789ab.css"
