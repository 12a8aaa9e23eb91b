"""Uploads are judged by their bytes, images are re-encoded (EXIF gone), files are private."""

from __future__ import annotations

import io
import os
import stat

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bastion.core.uploads import (
    ANY,
    IMAGES,
    SCANS,
    private_root,
    upload_delete,
    upload_response,
    upload_store,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (28.0, 12.0, 0.0)}  # GPSInfo: latitude
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photo_is_reencoded_without_exif_and_stored_private():
    data = _jpeg_with_gps()
    assert b"PhoneMaker" in data
    stored = upload_store(file=SimpleUploadedFile("门头.jpg", data), allowed=IMAGES)
    target = private_root() / stored.storage_name
    saved = target.read_bytes()
    assert b"PhoneMaker" not in saved
    assert not Image.open(io.BytesIO(saved)).getexif()
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(private_root()).st_mode) == 0o700
    assert stored.content_type == "image/jpeg" and stored.original_name == "门头.jpg"


def test_a_script_named_jpg_is_refused_with_the_accepted_types():
    fake = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as err:
        upload_store(file=fake, allowed=SCANS, field="photo")
    assert "photo" in err.value.message_dict
    assert "JPG" in err.value.message_dict["photo"][0]


def test_truncated_image_is_refused():
    data = _jpeg_with_gps()[:40]
    with pytest.raises(ValidationError):
        upload_store(file=SimpleUploadedFile("a.jpg", data), allowed=IMAGES)


def test_too_large_file_is_refused_before_it_is_stored(settings):
    settings.BASTION_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as err:
        upload_store(file=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"0" * 2000))
    assert "MB" in str(err.value)
    assert not private_root().exists() or not any(private_root().rglob("*.pdf"))


def test_pdf_scan_kept_as_is_and_served_with_nosniff():
    stored = upload_store(file=SimpleUploadedFile("承诺书.pdf", b"%PDF-1.4\nscan"), allowed=SCANS)
    response = upload_response(stored)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4\nscan"
    response.close()


def test_docx_detected_from_its_parts_and_deleted_with_its_record():
    import docx

    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("通知")
    document.save(out)
    stored = upload_store(file=SimpleUploadedFile("通知.docx", out.getvalue()), allowed=ANY)
    assert stored.content_type.endswith("wordprocessingml.document")
    target = private_root() / stored.storage_name
    upload_delete(stored)
    assert not target.exists()
