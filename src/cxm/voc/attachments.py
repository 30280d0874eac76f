"""Files on a case: checked (size, type by name AND content), stored privately, audited.

Files live in ``<data dir>/media/cases/`` under a random name (the original name is kept
in the row only) and are served only by :func:`cxm.voc.views.case_attachment_download`,
after the case's scope check, as a download (``Content-Disposition: attachment``) with
``X-Content-Type-Options: nosniff``: a file never renders in the application's origin.
"""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxm.core.audit import acting_as
from cxm.core.exceptions import ApplicationError

from .models import Case, CaseAttachment, CaseEvent
from .services import _check_worker, _visible_case

#: Default largest file, in bytes (override with ``settings.CXM_CASE_FILE_MAX_BYTES``).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

#: The allowed extensions and the content type each is served with.
ALLOWED_TYPES: dict[str, str] = {
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".pdf": "application/pdf", ".txt": "text/plain", ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def max_bytes() -> int:
    return int(getattr(settings, "CXM_CASE_FILE_MAX_BYTES", DEFAULT_MAX_BYTES))


def _content_matches(ext: str, head: bytes) -> bool:
    """Whether the first bytes are what the extension claims (a renamed .exe is no .png)."""
    if ext == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext == ".gif":
        return head[:6] in (b"GIF87a", b"GIF89a")
    if ext == ".webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if ext == ".pdf":
        return head.startswith(b"%PDF-")
    if ext == ".xlsx":
        return head.startswith(b"PK\x03\x04")  # an OOXML workbook is a zip archive
    # .txt/.csv: text (UTF-8 with or without BOM, or CP949 as Korean Excel writes it), no NUL bytes
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "cp949"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 3:  # the sample may cut a multi-byte character in half
                return True
    return False


def check_upload(upload: UploadedFile) -> tuple[str, str]:
    """Refuse a file that is too large, empty, or not of an allowed type.

    Returns the cleaned original name and the content type to serve it with; raises
    :class:`ApplicationError` with a message for the user otherwise.
    """
    name = PurePath((upload.name or "").replace("\\", "/")).name.strip()[:200] or "file"
    limit = max_bytes()
    if upload.size is None or upload.size > limit:
        raise ApplicationError(_("The file “%(name)s” is larger than %(limit)s MB.")
                               % {"name": name, "limit": f"{limit / 1024 / 1024:g}"})
    if upload.size == 0:
        raise ApplicationError(_("The file “%(name)s” is empty.") % {"name": name})
    ext = PurePath(name).suffix.lower()
    if ext not in ALLOWED_TYPES:
        raise ApplicationError(
            _("Files of type “%(ext)s” are not accepted. Allowed: images (PNG, JPEG, GIF, WebP), PDF, TXT, CSV "
              "and XLSX.") % {"ext": ext or name})
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if not _content_matches(ext, head):
        raise ApplicationError(_("The file “%(name)s” is not a valid %(ext)s file.") % {"name": name, "ext": ext})
    return name, ALLOWED_TYPES[ext]


@transaction.atomic
def attachment_add(*, case: Case, upload: UploadedFile, user=None) -> CaseAttachment:
    """Store ``upload`` on ``case`` (the caller has checked the case's scope), with a timeline entry.

    The checks run before anything is written; a refused file leaves no row and no file.
    """
    name, content_type = check_upload(upload)
    now = timezone.now()
    attachment = CaseAttachment(case=case, original_name=name, size=upload.size, content_type=content_type,
                                uploaded_by=user, uploaded_at=now)
    # A random stored name: the customer's file name never becomes a path on the server.
    stored = f"{secrets.token_hex(16)}{PurePath(name).suffix.lower()}"
    with acting_as(user):
        attachment.file.save(stored, upload, save=False)
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)  # no orphan file when the row cannot be written
            raise
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.ATTACHMENT, actor=user, at=now, text=name)
    return attachment


@transaction.atomic
def case_attachment_add(*, user, case_id: int, upload: UploadedFile) -> CaseAttachment:
    """An agent attaches a file to a case they may see and work (scoped; see :func:`attachment_add`)."""
    _check_worker(user)
    return attachment_add(case=_visible_case(user, case_id), upload=upload, user=user)
