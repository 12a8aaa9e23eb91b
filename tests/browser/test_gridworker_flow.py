"""A grid worker on her phone: log in, open her grid, import a roster, get 404 next door."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from bastion.people.identity import reveal_id_number
from bastion.people.models import ImportJob, Person
from tests.conftest import PASSWORD
from tests.web.rosters import roster_rows, roster_xlsx

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/bastion-grid-390x844.png"
PREVIEW_SCREENSHOT = "/tmp/bastion-import-preview-390x844.png"
PERSON_SCREENSHOT = "/tmp/bastion-person-390x844.png"


def test_gridworker_logs_in_imports_a_roster_and_is_kept_out_of_the_next_town(
    live_server, transactional_db, county, phone_page, tmp_path
):
    page = phone_page
    base = live_server.url

    # Log in through the form.
    page.goto(f"{base}/")
    assert "/login/" in page.url
    page.fill("input[name=username]", "gridworker")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert page.locator(".topbar .who").inner_text() == "gridworker"
    topbar_colour = page.evaluate(
        "getComputedStyle(document.querySelector('.topbar')).backgroundColor"
    )
    assert topbar_colour == "rgb(179, 38, 30)", "the stylesheet was not served"
    assert page.evaluate("typeof window.htmx") == "object", "htmx was not served"

    # Her grid, masked.
    page.click("text=松雅第一网格")
    page.wait_for_url(re.compile(r"/regions/430121001001001/$"))
    html = page.content()
    zhang = county.people["zhang"]
    assert zhang.id_number_masked in html
    for person in (zhang, county.people["li"]):
        assert reveal_id_number(person) not in html
    assert "13812341234" not in html
    assert page.locator("svg.boundary polygon").count() == 1
    page.screenshot(path=SCREENSHOT, full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, "the grid page scrolls sideways on a 390px phone"

    # Her resident's page, and a reveal with a stated reason (htmx swaps the number in).
    page.click("text=张建国")
    page.wait_for_url(re.compile(r"/people/[0-9a-f-]{36}/$"))
    assert reveal_id_number(zhang) not in page.content()
    page.screenshot(path=PERSON_SCREENSHOT, full_page=True)
    page.fill("input[name=reason]", "核实返乡人员身份")
    page.click(".reveal button[type=submit]")
    page.wait_for_selector(".reveal-result")
    assert reveal_id_number(zhang) in page.locator(".reveal-result").inner_text()

    # Upload a roster with one good row and three bad ones.
    page.click(".topnav >> text=导入")
    page.wait_for_url(re.compile(r"/people/import/$"))
    roster = tmp_path / "花名册.xlsx"
    roster.write_bytes(roster_xlsx(roster_rows(county.grid_a1_1.code)))
    page.set_input_files("input[type=file]", str(roster))
    page.click("text=上传并预检")
    page.wait_for_url(re.compile(r"/people/import/[0-9a-f-]{36}/$"))

    rejected = page.locator("#rejected-rows tbody tr")
    assert rejected.count() >= 3
    rows_listed = {
        rejected.nth(i).locator("td").first.inner_text() for i in range(rejected.count())
    }
    assert rows_listed == {"3", "4", "5"}
    assert page.locator("button[value=all_or_nothing]").is_disabled()
    assert page.locator(".figure .num.status-create").inner_text() == "1"
    page.screenshot(path=PREVIEW_SCREENSHOT, full_page=True)

    # The error workbook opens and lists the bad rows.
    with page.expect_download() as download_info:
        page.click("text=下载错误表")
    workbook = tmp_path / "errors.xlsx"
    download_info.value.save_as(workbook)
    sheet = load_workbook(workbook, read_only=True).active
    text = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)
    for name in ("吴错号", "郑错机", "冯无格"):
        assert name in text

    # Import the valid rows; the page follows the job to its result.
    page.click("button[value=valid_rows]")
    page.wait_for_selector("#import-outcome")
    assert "导入完成" in page.locator("#import-outcome").inner_text()
    assert Person.objects.filter(name="周新民", region=county.grid_a1_1).exists()
    assert ImportJob.objects.get().status == ImportJob.Status.DONE

    # The neighbouring town's grid is not there for her.
    response = page.goto(f"{base}/regions/{county.grid_b1_1.code}/")
    assert response is not None and response.status == 404
    assert "页面不存在" in page.content()
