"""The ZIP a borrower downloads: ``data.json`` for machines, ``index.html``
(static, no script, its style in ``style.css`` beside it) for people, and
the borrower's own complaint files.

Written to a temporary name and moved into place, so a build that runs
twice, or dies half-way, never leaves a broken file under the final name.
"""

import json
import os
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import translation

from complaints.uploads import stored_path

from .builder import evidence_archive_name

FOLDER = "datacopies"

STYLE = """body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0 auto;
max-width:60rem;padding:1rem;line-height:1.5;color:#212529}
h1{font-size:1.5rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #dee2e6}h3{font-size:1.05rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin-bottom:1rem}
th,td{border:1px solid #dee2e6;padding:.25rem .5rem;text-align:left;vertical-align:top}
.scroll{overflow-x:auto}dt{font-weight:600}dd{margin:0 0 .5rem}
"""


def datacopy_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / FOLDER


def datacopy_path(file_name: str) -> Path:
    path = (datacopy_root() / file_name).resolve()
    if datacopy_root().resolve() not in path.parents:
        raise ValueError("Data copy path outside its folder.")
    return path


def datacopy_write(*, file_name: str, contents: dict, files: list, language: str) -> int:
    """Write the archive and return its size in bytes. A file that is no
    longer kept (purged meanwhile) is left out; the JSON still lists it."""
    path = datacopy_path(file_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    data = json.dumps(contents, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    with translation.override(language):
        page = render_to_string("portal/datacopy/archive.html", {"copy": contents}, using="jinja2")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", data)
        archive.writestr("index.html", page)
        archive.writestr("style.css", STYLE)
        for evidence in files:
            try:
                archive.write(stored_path(evidence.storage_name), evidence_archive_name(evidence))
            except (OSError, ValueError):
                continue
    os.replace(partial, path)
    return path.stat().st_size
