"""Evidence files: what we accept, told apart by their content, and where
they are kept.

Types are recognised from the first bytes of the file, never from its name
or the browser's claim. A small table of signatures is used rather than a
general sniffing library because the formats borrowers actually send (AMR
call recordings, HEIC photos, M4A voice memos) must be told apart exactly
and anything else refused.
"""

import contextlib
import hashlib
import io
import os
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from common.text import strip_bidi_controls

MAX_FILES = 5
MAX_FILE_SIZE = 20 * 1024 * 1024
SNIFF_BYTES = 64

# content type: (extension, label)
ALLOWED_TYPES = {
    "audio/mpeg": ("mp3", "MP3"),
    "audio/mp4": ("m4a", "M4A"),
    "audio/amr": ("amr", "AMR"),
    "audio/wav": ("wav", "WAV"),
    "image/jpeg": ("jpg", "JPEG"),
    "image/png": ("png", "PNG"),
    "image/heic": ("heic", "HEIC"),
    "application/pdf": ("pdf", "PDF"),
}
ALLOWED_LABEL = "MP3, M4A, AMR, WAV, JPG, PNG, HEIC, PDF"

T = TypeVar("T")

_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}
_M4A_BRANDS = {b"M4A ", b"M4B "}
# Generic MP4 brands that phone recorders also use for audio-only files.
_GENERIC_MP4_BRANDS = {b"mp42", b"isom", b"mp41", b"3gp4", b"3gp5"}


def sniff(head: bytes, *, name: str = "") -> str | None:
    """The content type of a file from its first bytes, or None if it is not
    one we accept."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"#!AMR"):
        return "audio/amr"
    if head.startswith(b"ID3"):
        return "audio/mpeg"
    if len(head) >= 3 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 and head[2] & 0xF0 != 0xF0:
        # An MPEG audio frame header: sync bits, a layer, a valid bitrate.
        return "audio/mpeg"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        box_size = int.from_bytes(head[0:4], "big")
        compatible = {head[i : i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)}
        if brand in _HEIC_BRANDS or (brand == b"mif1" and compatible & _HEIC_BRANDS):
            return "image/heic"
        if brand in _M4A_BRANDS or compatible & _M4A_BRANDS:
            return "audio/mp4"
        if brand in _GENERIC_MP4_BRANDS and name.lower().endswith(".m4a"):
            return "audio/mp4"
    return None


_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*%]+")


def clean_name(raw: str, *, content_type: str) -> str:
    """A display name without any path, control, bidi or shell characters, ending
    in the extension of the type we found."""
    name = strip_bidi_controls(unicodedata.normalize("NFC", raw or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE.sub("", name).strip().lstrip(".").strip()
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"\s+", " ", stem).strip(" .")[:80] or "evidence"
    return f"{stem}.{ALLOWED_TYPES[content_type][0]}"


@dataclass
class CheckedFile:
    upload: object
    content_type: str
    name: str
    size: int


def check_upload(upload) -> CheckedFile:
    """Validate one uploaded file; raise a ValidationError naming it."""
    display = re.split(r"[\\/]", upload.name or "")[-1] or "?"
    if not upload.size:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": display})
    if upload.size > MAX_FILE_SIZE:
        raise ValidationError(
            _("“%(name)s” is %(size)s; each file may be at most %(max)s."),
            code="too_large",
            params={"name": display, "size": filesizeformat(upload.size), "max": filesizeformat(MAX_FILE_SIZE)},
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    content_type = sniff(head, name=display)
    if content_type is None:
        raise ValidationError(
            _("“%(name)s” is not a file type we accept. Send %(types)s."),
            code="file_type",
            params={"name": display, "types": ALLOWED_LABEL},
        )
    return CheckedFile(
        upload=upload,
        content_type=content_type,
        name=clean_name(display, content_type=content_type),
        size=upload.size,
    )


def check_uploads(uploads: list) -> list[CheckedFile]:
    """Validate a batch; every problem is reported, not only the first."""
    if len(uploads) > MAX_FILES:
        raise ValidationError(
            _("You can attach at most %(max)d files; you chose %(count)d."),
            code="too_many",
            params={"max": MAX_FILES, "count": len(uploads)},
        )
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return checked


def evidence_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "evidence"


_owners: list = []


def evidence_owner_register(model) -> None:
    """Register a model whose ``storage_name`` column names files that
    :func:`store` wrote. The apps that keep such files (complaints, and
    borrower requests above them) register their models as they start; a
    file that no registered model names is a stray, removed by
    ``complaints.services.retention.evidence_strays_remove``."""
    if model not in _owners:
        _owners.append(model)


def evidence_owners() -> tuple:
    return tuple(_owners)


def store(checked: CheckedFile) -> tuple[str, str]:
    """Write the file under a random name, readable and writable by its
    owner only from the moment it exists; return (storage name, sha256).

    A file held in memory (up to ``FILE_UPLOAD_MAX_MEMORY_SIZE``) is
    written straight from its buffer, with no copy, and hashed while the
    disk writes it; a larger one is written and hashed chunk by chunk from
    its temporary file. The file and its name are on the disk before this
    returns, so a complaint that commits never names a file a crash could
    still take away."""
    storage_name = secrets.token_hex(20)
    folder = evidence_root() / storage_name[:2]
    path = folder / storage_name
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        made = []
    except FileNotFoundError:  # the first file in its folder
        made = _folders_make(folder)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    digest = hashlib.sha256()
    upload = checked.upload
    try:
        with open(descriptor, "wb") as out:
            if isinstance(getattr(upload, "file", None), io.BytesIO):
                with upload.file.getbuffer() as contents:
                    out.write(contents)
                    out.flush()
                    _done_with(out.fileno())  # on its way to the disk while it is hashed
                    digest.update(contents)
            else:
                upload.seek(0)
                for chunk in upload.chunks():
                    digest.update(chunk)
                    out.write(chunk)
            out.flush()
            _to_disk(out.fileno())
        for holder in (folder, *(new.parent for new in made)):
            _to_disk_folder(holder)
    except BaseException:
        path.unlink(missing_ok=True)  # part of a file is no evidence
        raise
    return f"{storage_name[:2]}/{storage_name}", digest.hexdigest()


def store_with_rows(files: list[CheckedFile], *, row: Callable[..., T], save: Callable[[list[T]], list[T]]) -> list[T]:
    """Store each checked file and save the rows that name them: ``row``
    builds one from the stored file's columns (``storage_name``,
    ``original_name``, ``content_type``, ``size``, ``sha256``), ``save``
    writes them all. When a file, a row or the saving fails, the files
    stored so far are removed before the error goes on."""
    rows, names = [], []
    try:
        for checked in files:
            storage_name, sha256 = store(checked)
            names.append(storage_name)
            rows.append(
                row(
                    storage_name=storage_name,
                    original_name=checked.name,
                    content_type=checked.content_type,
                    size=checked.size,
                    sha256=sha256,
                )
            )
        return save(rows)
    except BaseException:
        _names_remove(names)
        raise


def stored_files_remove(rows) -> None:
    """Remove the files of evidence rows that will not be kept (their
    transaction failed). A file left behind all the same (a process that
    died first) is removed by
    ``complaints.services.retention.evidence_strays_remove``."""
    _names_remove(row.storage_name for row in rows)


def _names_remove(storage_names: Iterable[str]) -> None:
    for storage_name in storage_names:
        with contextlib.suppress(OSError, ValueError):
            stored_path(storage_name).unlink(missing_ok=True)


def _folders_make(folder: Path) -> list[Path]:
    """Make the folder and those missing above it, each the owner's only;
    return the folders made, the deepest first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(mode=0o700, exist_ok=True)
    return missing


def _done_with(descriptor: int) -> None:
    """Tell the kernel a file's pages will not be needed again: Linux starts
    writing those not yet on the disk, without waiting for them, and lets
    the others go from the page cache."""
    if hasattr(os, "posix_fadvise"):
        os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)


def _to_disk(descriptor: int) -> None:
    """Flush a written file to the disk, then let its pages go from the
    page cache: evidence is written once and read seldom, and cache pages
    that are handed back are reused by the next file instead of fresh ones."""
    (getattr(os, "fdatasync", None) or os.fsync)(descriptor)
    _done_with(descriptor)


def _to_disk_folder(folder: Path) -> None:
    """Flush a folder's entries, so that a new file's name survives a crash
    as its contents do."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def stored_path(storage_name: str) -> Path:
    path = (evidence_root() / storage_name).resolve()
    if evidence_root().resolve() not in path.parents:
        raise ValueError("Evidence path outside the evidence folder.")
    return path
