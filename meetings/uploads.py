"""Checks on uploaded meeting documents: extension, size and the content itself.

A file passes only if its extension is on the allow-list AND its first bytes (and, for
office documents, the parts inside the zip) are what that extension promises.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_SIZE = 10 * 1024 * 1024

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
# The folder inside an Office Open XML zip that holds the document's main part.
OOXML_PART = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}


def _zip_matches(upload: UploadedFile, extension: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if extension == ".odt":
                return "mimetype" in names and archive.read("mimetype") == CONTENT_TYPES[".odt"].encode()
            return "[Content_Types].xml" in names and any(n.startswith(OOXML_PART[extension]) for n in names)
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


def content_matches(upload: UploadedFile, extension: str) -> bool:
    """Whether the file's bytes are of the kind its extension names (magic bytes)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if extension == ".pdf":
        ok = head.startswith(b"%PDF-")
    elif extension in (".jpg", ".jpeg"):
        ok = head.startswith(b"\xff\xd8\xff")
    elif extension == ".png":
        ok = head == b"\x89PNG\r\n\x1a\n"
    else:
        ok = head.startswith(b"PK\x03\x04") and _zip_matches(upload, extension)
    upload.seek(0)
    return ok


def validate_upload(upload: UploadedFile) -> str:
    """Refuse a file that is too big, of a type not allowed, or not what it says; return
    the content type to serve it with."""
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in CONTENT_TYPES:
        raise ValidationError(
            _("Files of this type cannot be attached. Allowed: %(types)s."),
            code="file_type",
            params={"types": "PDF, DOCX, XLSX, PPTX, ODT, JPG, PNG"},
        )
    assert upload.size is not None  # Django sizes every file a request uploads
    if upload.size > MAX_SIZE:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            code="file_size",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_SIZE)},
        )
    if not content_matches(upload, extension):
        raise ValidationError(
            _("The file's content does not match its extension %(extension)s."),
            code="file_content",
            params={"extension": extension},
        )
    return CONTENT_TYPES[extension]
