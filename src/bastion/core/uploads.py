"""Photos, scans and attachments: checked by content, images re-encoded, stored privately.

- The type is read from the bytes, never from the name or the browser's claim:
  JPEG, PNG, WebP and GIF images; PDF; .docx and .xlsx (Office Open XML).
- Images are decoded and written again as JPEG or PNG with Pillow, which drops EXIF
  (a phone photo's GPS position), embedded scripts and anything trailing the image,
  and caps the longest side (BASTION_MAX_IMAGE_SIDE).
- Files are stored under MEDIA_ROOT/private/YYYY/MM/<random> with mode 0600 (folders
  0700). MEDIA_ROOT is never served as a whole: the owning app serves one file with
  `upload_response` after its scoped selector let the user see the record.

`upload_store` raises ValidationError with a message for the person who uploaded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import secrets
import zipfile
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.models import StoredFile

IMAGES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
DOCUMENTS = frozenset(
    {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
)
SCANS = IMAGES | {"application/pdf"}
ANY = IMAGES | DOCUMENTS

_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
_LABELS = {
    "image/jpeg": "JPG",
    "image/png": "PNG",
    "image/webp": "WebP",
    "image/gif": "GIF",
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word(.docx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel(.xlsx)",
}


def sniff_type(head: bytes, whole=None) -> str | None:
    """The content type the bytes really are, or None when it is none we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04") and whole is not None:
        try:
            with zipfile.ZipFile(whole) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            if any(n.startswith("xl/") for n in names):
                return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def _allowed_text(allowed: frozenset[str]) -> str:
    return "、".join(sorted({_LABELS[t] for t in allowed}))


def _reencode(data: bytes, content_type: str) -> tuple[bytes, str]:
    """Decode and re-encode an image: JPEG for photos, PNG where there is transparency."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = 64_000_000  # refuse decompression bombs
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            side = getattr(settings, "BASTION_MAX_IMAGE_SIDE", 2560)
            image.thumbnail((side, side))
            keep_alpha = image.mode in ("RGBA", "LA", "P") and content_type != "image/jpeg"
            out = io.BytesIO()
            if keep_alpha:
                image.convert("RGBA").save(out, format="PNG", optimize=True)
                return out.getvalue(), "image/png"
            image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
            return out.getvalue(), "image/jpeg"
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("图片已损坏或无法读取，请重新拍摄或选择其他图片")) from exc


def _clean_name(name: str, content_type: str) -> str:
    base = os.path.basename(name or "").replace("\x00", "").strip() or "file"
    stem = os.path.splitext(base)[0][:120] or "file"
    return stem + _EXTENSIONS.get(content_type, "")


def private_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "private"


def upload_store(
    *,
    file,
    actor=None,
    allowed: frozenset[str] = SCANS,
    path: str = "",
    max_bytes: int | None = None,
    field: str = "file",
) -> StoredFile:
    """Check and store one uploaded file; ValidationError({field: [...]}) when refused."""
    limit = max_bytes or getattr(settings, "BASTION_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            {field: [_("文件过大：最大 %(mb)d MB") % {"mb": max(1, limit // (1024 * 1024))}]}
        )
    data = file.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            {field: [_("文件过大：最大 %(mb)d MB") % {"mb": max(1, limit // (1024 * 1024))}]}
        )
    if not data:
        raise ValidationError({field: [_("文件是空的")]})
    content_type = sniff_type(data[:16], io.BytesIO(data))
    if content_type not in allowed:
        raise ValidationError(
            {field: [_("不支持的文件类型：只接受 %(types)s") % {"types": _allowed_text(allowed)}]}
        )
    if content_type in IMAGES:
        try:
            data, content_type = _reencode(data, content_type)
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from exc
    now = timezone.now()
    relative = f"{now:%Y}/{now:%m}/{secrets.token_hex(16)}{_EXTENSIONS.get(content_type, '')}"
    target = private_root() / relative
    _make_private_dirs(target.parent)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    try:
        return StoredFile.objects.create(
            original_name=_clean_name(getattr(file, "name", ""), content_type),
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            storage_name=relative,
            path=path,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    except Exception:
        target.unlink(missing_ok=True)
        raise


def _make_private_dirs(folder: Path) -> None:
    root = private_root()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(root, 0o700)
    current = root
    for part in folder.relative_to(root).parts:
        current = current / part
        current.mkdir(exist_ok=True, mode=0o700)


def upload_open(stored: StoredFile):
    return open(private_root() / stored.storage_name, "rb")  # noqa: SIM115 - FileResponse closes it


def upload_response(stored: StoredFile, *, as_attachment: bool = False) -> FileResponse:
    """The file, for a view that has already checked the user may see its record."""
    response = FileResponse(upload_open(stored), content_type=stored.content_type)
    disposition = "attachment" if as_attachment else "inline"
    response["Content-Disposition"] = (
        f"{disposition}; filename*=UTF-8''{quote(stored.original_name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


def upload_delete(stored: StoredFile) -> None:
    """Remove the file and its record (for purges and discarded drafts)."""
    (private_root() / stored.storage_name).unlink(missing_ok=True)
    stored.delete()


UNATTACHED_GRACE = dt.timedelta(hours=24)


def _references_to_stored_files():
    """(model, column) pairs of every foreign key and many-to-many table that points at
    StoredFile, found from the installed models so that core names no other app."""
    from django.apps import apps

    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields(include_hidden=True):
            if field.is_relation and field.concrete and field.related_model is StoredFile:
                if field.many_to_one or field.one_to_one:
                    yield model, field.attname


def uploads_purge_unattached(*, now=None, grace: dt.timedelta = UNATTACHED_GRACE) -> int:
    """Delete stored files that no record points at and that are older than `grace`
    (an API client uploads first and attaches in a second request; a file never attached
    is unreadable and would otherwise stay on disk for ever). Returns how many went."""
    cutoff = (now or timezone.now()) - grace
    orphans = StoredFile.objects.filter(created_at__lt=cutoff)
    for model, column in _references_to_stored_files():
        orphans = orphans.exclude(
            id__in=model._base_manager.exclude(**{column: None}).values(column)
        )
    purged = 0
    for stored in orphans.iterator():
        upload_delete(stored)
        purged += 1
    return purged
