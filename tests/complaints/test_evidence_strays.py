"""Evidence files no row names: removed when a transaction fails, and by the
nightly sweep when the process died before it could."""

import datetime
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import uploads
from complaints.models import Complaint
from complaints.services.retention import STRAY_GRACE, evidence_strays_remove
from complaints.tasks import evidence_strays_task
from complaints.uploads import check_upload, evidence_root, store

from .conftest import NOW, store_then_fail

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence_folder(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path / "evidence"


def _pdf():
    return check_upload(SimpleUploadedFile("p.pdf", b"%PDF-1.4\n" + b"x" * 50))


def _files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def _written_at(path: Path, at: datetime.datetime) -> Path:
    os.utime(path, (at.timestamp(), at.timestamp()))
    return path


def _stray(at: datetime.datetime) -> Path:
    """A file stored as evidence is stored, that no row names."""
    storage_name, _sha256 = store(_pdf())
    return _written_at(evidence_root() / storage_name, at)


def test_files_stored_before_a_file_that_fails_are_removed(submit, evidence_folder, monkeypatch):
    stored = []
    monkeypatch.setattr(uploads, "store", store_then_fail(stored))
    with pytest.raises(OSError):
        submit(files=[_pdf(), _pdf()])
    assert (len(stored), _files(evidence_folder), Complaint.objects.exists()) == (1, [], False)


def test_a_file_no_row_names_is_removed_a_day_after_it_was_written(evidence_folder):
    stray = _stray(NOW - STRAY_GRACE - datetime.timedelta(minutes=1))
    assert (evidence_strays_remove(now=NOW), stray.exists()) == (1, False)


def test_a_file_no_row_names_is_kept_within_a_day_of_its_writing(evidence_folder):
    stray = _stray(NOW - STRAY_GRACE + datetime.timedelta(minutes=1))
    assert (evidence_strays_remove(now=NOW), stray.exists()) == (0, True)


def test_a_file_an_evidence_row_names_is_kept(submit, evidence_folder):
    complaint = submit(files=[_pdf()])
    kept = _written_at(evidence_root() / complaint.evidence.get().storage_name, NOW - datetime.timedelta(days=30))
    assert (evidence_strays_remove(now=NOW), kept.exists()) == (0, True)


def test_strays_are_looked_up_in_batches(submit, evidence_folder):
    long_ago = NOW - datetime.timedelta(days=30)
    complaint = submit(files=[_pdf()])
    kept = _written_at(evidence_root() / complaint.evidence.get().storage_name, long_ago)
    strays = [_stray(long_ago) for _ in range(3)]
    assert evidence_strays_remove(now=NOW, batch_size=2) == 3
    assert (kept.exists(), [stray.exists() for stray in strays]) == (True, [False, False, False])


def test_files_laid_out_otherwise_are_left_alone(evidence_folder):
    long_ago = NOW - datetime.timedelta(days=30)
    others = [
        evidence_folder / "notes.txt",
        evidence_folder / "ab" / "readme.txt",
        evidence_folder / "ab" / ("cd" + "0" * 38),  # in another file's folder
        evidence_folder / "zz" / ("zz" + "0" * 38),
    ]
    for path in others:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
        _written_at(path, long_ago)
    assert (evidence_strays_remove(now=NOW), _files(evidence_folder)) == (0, sorted(others))


def test_no_evidence_folder_yet_removes_nothing(evidence_folder):
    assert evidence_strays_remove(now=NOW) == 0


def test_the_task_removes_strays(evidence_folder, monkeypatch):
    from complaints.services import retention

    monkeypatch.setattr(retention.timezone, "now", lambda: NOW)
    stray = _stray(NOW - STRAY_GRACE - datetime.timedelta(hours=1))
    assert (evidence_strays_task(), stray.exists()) == (1, False)


def test_the_stray_sweep_runs_every_night(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["complaints-evidence-strays"]
    assert (entry["task"], entry["schedule"].hour) == ("complaints.tasks.evidence_strays_task", {3})


def test_every_model_naming_stored_files_is_an_evidence_owner():
    from django.apps import apps

    from complaints.uploads import evidence_owners

    def names_stored_files(model) -> bool:
        return any(field.name == "storage_name" for field in model._meta.concrete_fields)

    assert set(filter(names_stored_files, apps.get_models())) == set(evidence_owners())


def test_the_sweep_removes_nothing_while_no_owner_is_registered(evidence_folder, monkeypatch):
    monkeypatch.setattr(uploads, "_owners", [])
    stray = _stray(NOW - datetime.timedelta(days=30))
    with pytest.raises(RuntimeError):
        evidence_strays_remove(now=NOW)
    assert stray.exists()
