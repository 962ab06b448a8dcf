import hashlib
import stat

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.db import DatabaseError

from complaints.uploads import MAX_FILES, check_upload, check_uploads, clean_name, sniff, store, store_with_rows


def ftyp(brand: bytes, *compatible: bytes) -> bytes:
    body = brand + b"\x00\x00\x00\x00" + b"".join(compatible)
    return (8 + len(body)).to_bytes(4, "big") + b"ftyp" + body + b"\x00" * 32


@pytest.mark.parametrize(
    "head,expected",
    [
        (b"%PDF-1.4\n", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"RIFF\x24\x08\x00\x00WAVEfmt ", "audio/wav"),
        (b"#!AMR\n\x3c", "audio/amr"),
        (b"#!AMR-WB\n", "audio/amr"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x64\x00", "audio/mpeg"),
        (ftyp(b"heic", b"mif1", b"heic"), "image/heic"),
        (ftyp(b"mif1", b"mif1", b"heic"), "image/heic"),
        (ftyp(b"M4A ", b"M4A ", b"mp42", b"isom"), "audio/mp4"),
    ],
)
def test_accepted_types_are_recognised_by_content(head, expected):
    assert sniff(head) == expected


@pytest.mark.parametrize(
    "head",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"<html><body>hi</body></html>",
        b"MZ\x90\x00\x03\x00\x00\x00",
        b"PK\x03\x04\x14\x00",
        b"GIF89a\x01\x00",
        ftyp(b"avif", b"mif1", b"avif"),
        ftyp(b"isom", b"isom", b"avc1"),
    ],
)
def test_other_types_are_refused(head):
    assert sniff(head) is None


def test_generic_mp4_is_audio_only_when_named_m4a():
    head = ftyp(b"mp42", b"isom", b"mp42")
    assert (sniff(head, name="memo.m4a"), sniff(head, name="video.mp4")) == ("audio/mp4", None)


def test_wrong_content_behind_a_right_extension_is_refused():
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("photo.jpg", b"<svg onload=alert(1)>"))
    assert error.value.error_list[0].code == "file_type"


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("call.amr", b""))
    assert error.value.error_list[0].code == "empty"


def test_too_large_file_is_refused(monkeypatch):
    from complaints import uploads

    monkeypatch.setattr(uploads, "MAX_FILE_SIZE", 10)
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("call.amr", b"#!AMR\n" + b"x" * 20))
    assert error.value.error_list[0].code == "too_large"


def test_too_many_files_are_refused():
    files = [SimpleUploadedFile(f"{n}.amr", b"#!AMR\n123") for n in range(MAX_FILES + 1)]
    with pytest.raises(ValidationError) as error:
        check_uploads(files)
    assert error.value.error_list[0].code == "too_many"


def test_every_bad_file_in_a_batch_is_reported():
    files = [
        SimpleUploadedFile("a.png", b""),
        SimpleUploadedFile("b.png", b"nope"),
        SimpleUploadedFile("c.amr", b"#!AMR\n1"),
    ]
    with pytest.raises(ValidationError) as error:
        check_uploads(files)
    assert [e.code for e in error.value.error_list] == ["empty", "file_type"]


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("C:\\Users\\me\\录音 1.amr", "录音 1.png"),
        ("..hidden.png", "hidden.png"),
        ("a<b>:c|d?.png", "abcd.png"),
        ("photo.exe", "photo.png"),
        ("", "evidence.png"),
        ("/", "evidence.png"),
    ],
)
def test_names_lose_path_and_unsafe_characters_and_get_our_extension(raw, expected):
    assert clean_name(raw, content_type="image/png") == expected


def test_file_name_loses_a_right_to_left_override():
    assert clean_name("photo\u202egnp.exe.png", content_type="image/png") == "photognp.exe.png"


# Storing -----------------------------------------------------------------------------------

# A PNG of 1 MB: more than one of the parser's 64 KB chunks.
LARGE_PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4096


@pytest.fixture
def evidence_folder(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path / "evidence"


def test_a_file_held_in_memory_is_stored_whole_with_its_sha256(evidence_folder):
    storage_name, sha256 = store(check_upload(SimpleUploadedFile("p.png", LARGE_PNG)))
    stored = (evidence_folder / storage_name).read_bytes()
    assert (stored, sha256) == (LARGE_PNG, hashlib.sha256(stored).hexdigest())


def test_a_file_on_disk_is_stored_whole_with_its_sha256(evidence_folder):
    upload = TemporaryUploadedFile("p.png", "image/png", len(LARGE_PNG), None)
    upload.write(LARGE_PNG)
    upload.seek(0)
    storage_name, sha256 = store(check_upload(upload))
    stored = (evidence_folder / storage_name).read_bytes()
    assert (stored, sha256) == (LARGE_PNG, hashlib.sha256(stored).hexdigest())


def test_a_stored_file_and_its_new_folder_are_the_owners_only(evidence_folder):
    storage_name, _sha256 = store(check_upload(SimpleUploadedFile("p.png", LARGE_PNG)))
    path = evidence_folder / storage_name
    assert (stat.S_IMODE(path.stat().st_mode), stat.S_IMODE(path.parent.stat().st_mode)) == (0o600, 0o700)


def test_a_second_file_in_a_folder_is_stored_beside_the_first(evidence_folder, monkeypatch):
    from complaints import uploads

    names = iter(["ab" + "0" * 38, "ab" + "1" * 38])
    monkeypatch.setattr(uploads.secrets, "token_hex", lambda nbytes: next(names))
    first, _ = store(check_upload(SimpleUploadedFile("p.png", LARGE_PNG)))
    second, _ = store(check_upload(SimpleUploadedFile("q.pdf", b"%PDF-1.4\n")))
    assert sorted(path.name for path in (evidence_folder / "ab").iterdir()) == [first[3:], second[3:]]


@pytest.fixture
def flushes(monkeypatch):
    """What was flushed to the disk, by inode: (inode, size) of files and
    the inodes of folders."""
    import os

    files, folders = [], []
    real_fsync = os.fsync

    def fdatasync(descriptor):
        facts = os.fstat(descriptor)
        files.append((facts.st_ino, facts.st_size))

    def fsync(descriptor):
        facts = os.fstat(descriptor)
        if stat.S_ISDIR(facts.st_mode):
            folders.append(facts.st_ino)
        else:
            files.append((facts.st_ino, facts.st_size))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fdatasync", fdatasync, raising=False)
    monkeypatch.setattr(os, "fsync", fsync)
    return files, folders


def test_a_stored_file_is_flushed_to_the_disk_whole(evidence_folder, flushes):
    storage_name, _sha256 = store(check_upload(SimpleUploadedFile("p.png", LARGE_PNG)))
    files, _folders = flushes
    assert files == [((evidence_folder / storage_name).stat().st_ino, len(LARGE_PNG))]


def test_a_stored_files_name_is_flushed_with_every_folder_made_for_it(evidence_folder, flushes):
    storage_name, _sha256 = store(check_upload(SimpleUploadedFile("p.png", LARGE_PNG)))
    _files, folders = flushes
    folder = (evidence_folder / storage_name).parent
    assert folders == [folder.stat().st_ino, evidence_folder.stat().st_ino, evidence_folder.parent.stat().st_ino]


def test_the_evidence_folder_made_for_the_first_file_is_the_owners_only(evidence_folder):
    store(check_upload(SimpleUploadedFile("p.png", LARGE_PNG)))
    assert stat.S_IMODE(evidence_folder.stat().st_mode) == 0o700


def test_a_stored_file_in_an_existing_folder_flushes_that_folder_only(evidence_folder, flushes, monkeypatch):
    from complaints import uploads

    names = iter(["ab" + "0" * 38, "ab" + "1" * 38])
    monkeypatch.setattr(uploads.secrets, "token_hex", lambda nbytes: next(names))
    store(check_upload(SimpleUploadedFile("p.png", LARGE_PNG)))
    _files, folders = flushes
    folders.clear()
    store(check_upload(SimpleUploadedFile("q.pdf", b"%PDF-1.4\n")))
    assert folders == [(evidence_folder / "ab").stat().st_ino]


def test_a_stored_files_pages_are_let_go_from_the_cache(evidence_folder, monkeypatch):
    import os

    advice = []
    monkeypatch.setattr(
        os, "posix_fadvise", lambda descriptor, offset, length, what: advice.append((os.fstat(descriptor).st_ino, what))
    )
    storage_name, _sha256 = store(check_upload(SimpleUploadedFile("p.png", LARGE_PNG)))
    assert advice[-1] == ((evidence_folder / storage_name).stat().st_ino, os.POSIX_FADV_DONTNEED)


@pytest.fixture
def steps(monkeypatch):
    """The store's steps in their order: "advise" (to the page cache),
    "hash" and "flush"."""
    import os

    from complaints import uploads

    seen = []
    real_sha256 = uploads.hashlib.sha256

    class Digest:
        def __init__(self):
            self.real = real_sha256()

        def update(self, data):
            seen.append("hash")
            self.real.update(data)

        def hexdigest(self):
            return self.real.hexdigest()

    monkeypatch.setattr(uploads.hashlib, "sha256", Digest)
    monkeypatch.setattr(os, "posix_fadvise", lambda *args: seen.append("advise"))
    monkeypatch.setattr(os, "fdatasync", lambda descriptor: seen.append("flush"), raising=False)
    return seen


def test_a_file_held_in_memory_is_on_its_way_to_the_disk_while_it_is_hashed(evidence_folder, steps):
    store(check_upload(SimpleUploadedFile("p.png", LARGE_PNG)))
    assert steps == ["advise", "hash", "flush", "advise"]


def test_a_file_that_cannot_be_flushed_is_removed(evidence_folder, monkeypatch):
    import os

    def failing(descriptor):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fdatasync", failing, raising=False)
    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(OSError):
        store(check_upload(SimpleUploadedFile("p.png", LARGE_PNG)))
    assert [path for path in evidence_folder.rglob("*") if path.is_file()] == []


def _pngs(count: int) -> list:
    return [check_upload(SimpleUploadedFile(f"p{number}.png", LARGE_PNG)) for number in range(count)]


def _stored_files(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_files_are_stored_with_the_rows_that_name_them(evidence_folder):
    rows = store_with_rows(_pngs(2), row=dict, save=list)
    assert sorted(row["storage_name"].rsplit("/", 1)[-1] for row in rows) == sorted(
        path.name for path in _stored_files(evidence_folder)
    )


def test_files_whose_rows_cannot_be_saved_are_removed(evidence_folder):
    def save(rows):
        raise DatabaseError("the insert failed")

    with pytest.raises(DatabaseError):
        store_with_rows(_pngs(2), row=dict, save=save)
    assert _stored_files(evidence_folder) == []


def test_a_file_whose_row_cannot_be_built_is_removed_with_those_before_it(evidence_folder):
    built = []

    def row(**stored):
        if built:
            raise ValueError("no row for this one")
        built.append(stored)
        return stored

    with pytest.raises(ValueError):
        store_with_rows(_pngs(2), row=row, save=list)
    assert (len(built), _stored_files(evidence_folder)) == (1, [])
