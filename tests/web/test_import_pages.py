"""Roster and region imports through the web: upload, preview, error workbook, run."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from bastion.core.importing import ImportMode
from bastion.people.models import ImportJob, Person
from tests.web.rosters import roster_rows, roster_xlsx, valid_id

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, content: bytes, name: str = "花名册.xlsx", url=None, **data):
    url = url or reverse("people:import")
    data["file"] = SimpleUploadedFile(name, content, content_type=XLSX)
    return client.post(url, data)


def job_url(job, name: str = "people:import_job") -> str:
    return reverse(name, kwargs={"public_id": job.public_id})


@pytest.fixture
def previewed(county, login):
    """The grid worker uploaded a roster with one good and three bad rows."""
    client = login(county.gridworker)
    response = upload(client, roster_xlsx(roster_rows(county.grid_a1_1.code)))
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.get(created_by=county.gridworker)
    assert response["Location"] == job_url(job)
    return client, job


def test_import_page_for_gridworker_offers_her_grids(county, login):
    response = login(county.gridworker).get(reverse("people:import"))
    assert response.status_code == 200
    grids = list(response.context["form"].fields["default_grid"].queryset)
    assert [g.code for g in grids] == [county.grid_a1_1.code]


@pytest.mark.parametrize("persona", ["nobody", "volunteer", "auditor"])
def test_users_without_import_permission_get_404(county, login, persona):
    response = login(getattr(county, persona)).get(reverse("people:import"))
    assert response.status_code == 404


def test_upload_rejects_other_file_types(county, login):
    client = login(county.gridworker)
    response = upload(client, b"hello", name="notes.txt")
    assert response.status_code == 200
    assert "只能上传 .xlsx 或 .csv 文件" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_preview_shows_counts_rejected_rows_and_disables_all_or_nothing(previewed):
    client, job = previewed
    response = client.get(job_url(job))
    assert response.status_code == 200
    report = response.context["report"]
    assert (report["created"], report["merged"], report["rejected"]) == (1, 0, 3)
    assert sorted({e["row"] for e in response.context["errors"]}) == [3, 4, 5]
    body = response.content.decode()
    assert "全部导入（有错误则不导入）" in body and "仅导入有效行" in body
    assert 'value="all_or_nothing" disabled' in body
    assert job_url(job, "people:import_errors") in body
    assert valid_id(7) not in body  # preview rows are masked
    assert not Person.objects.filter(name="周新民").exists()  # a dry run writes nothing


def test_error_workbook_lists_the_rejected_rows(previewed):
    client, job = previewed
    response = client.get(job_url(job, "people:import_errors"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    text = "\n".join(
        " ".join(str(v) for v in row if v is not None)
        for row in book.active.iter_rows(values_only=True)
    )
    for name in ("吴错号", "郑错机", "冯无格"):
        assert name in text
    assert "周新民" not in text


def test_all_or_nothing_is_refused_when_the_file_has_errors(previewed):
    client, job = previewed
    response = client.post(job_url(job, "people:import_run"), {"mode": ImportMode.ALL_OR_NOTHING})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED
    assert not Person.objects.filter(name="周新民").exists()


def test_valid_rows_import_then_result_page(previewed, county):
    client, job = previewed
    response = client.post(job_url(job, "people:import_run"), {"mode": ImportMode.VALID_ROWS})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    person = Person.objects.get(name="周新民")
    assert person.region == county.grid_a1_1
    result = client.get(job_url(job))
    assert result.status_code == 200
    assert "导入完成" in result.content.decode()
    assert result.context["report"]["created"] == 1
    again = client.post(job_url(job, "people:import_run"), {"mode": ImportMode.VALID_ROWS})
    assert again.status_code == 302
    assert Person.objects.filter(name="周新民").count() == 1


def test_run_via_htmx_answers_with_a_client_redirect(previewed):
    client, job = previewed
    response = client.post(
        job_url(job, "people:import_run"), {"mode": ImportMode.VALID_ROWS}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == job_url(job)


def test_progress_fragment_and_redirect_when_done(previewed):
    client, job = previewed
    fragment = client.get(job_url(job, "people:import_progress"), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "<progress" in fragment.content.decode()
    client.post(job_url(job, "people:import_run"), {"mode": ImportMode.VALID_ROWS})
    done = client.get(job_url(job, "people:import_progress"), HTTP_HX_REQUEST="true")
    assert done["HX-Redirect"] == job_url(job)


def test_clean_file_can_be_imported_all_or_nothing(county, login):
    client = login(county.gridworker)
    rows = [["周新民", valid_id(7), "13712345678", "", "5栋501"]]
    response = upload(client, roster_xlsx(rows), default_grid=county.grid_a1_1.code)
    job = ImportJob.objects.get()
    assert response["Location"] == job_url(job)
    preview = client.get(job_url(job))
    assert not preview.context["has_errors"]
    assert 'value="all_or_nothing" disabled' not in preview.content.decode()
    client.post(job_url(job, "people:import_run"), {"mode": ImportMode.ALL_OR_NOTHING})
    assert Person.objects.get(name="周新民").region == county.grid_a1_1


@pytest.mark.parametrize(
    "name", ["people:import_job", "people:import_progress", "people:import_errors"]
)
def test_outsider_gets_404_for_someone_elses_import_job(previewed, county, login, name):
    _client, job = previewed
    outsider = login(county.outsider)
    assert outsider.get(job_url(job, name)).status_code == 404


def test_colleague_gets_404_running_someone_elses_import_job(previewed, county, login):
    _client, job = previewed
    colleague = login(county.community)
    response = colleague.post(job_url(job, "people:import_run"), {"mode": ImportMode.VALID_ROWS})
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED


def test_unknown_default_grid_is_a_form_error(county, login):
    client = login(county.gridworker)
    rows = roster_rows(county.grid_a1_1.code)
    response = upload(client, roster_xlsx(rows), default_grid=county.grid_b1_1.code)
    assert response.status_code == 200
    assert response.context["form"].errors["default_grid"]
    assert not ImportJob.objects.exists()


# --- Region tree import ---------------------------------------------------------------


def test_gridworker_gets_404_for_region_import(county, login):
    assert login(county.gridworker).get(reverse("people:import_regions")).status_code == 404


def test_county_command_previews_a_region_file(county, login):
    client = login(county.command)
    page = client.get(reverse("people:import_regions"))
    assert page.status_code == 200
    assert "default_grid" not in page.context["form"].fields
    content = roster_xlsx(
        [
            ["430121001002", "星沙新社区", "430121001000", "社区"],
            ["430121001003", "孤儿社区", "430121999000", "社区"],
        ],
        headers=["代码", "名称", "上级代码", "级别"],
    )
    response = upload(client, content, name="区划.xlsx", url=reverse("people:import_regions"))
    assert response.status_code == 302
    job = ImportJob.objects.get(kind="regions")
    preview = client.get(job_url(job))
    assert preview.status_code == 200
    assert preview.context["report"]["rejected"] == 1
    assert "星沙新社区" in preview.content.decode()
