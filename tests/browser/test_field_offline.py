"""Field mode on a phone (390x844) that loses its signal: the day's lists load online,
entries made offline wait in a visible queue, survive a reload, and drain in order when
the signal returns — each record on the server exactly once; a refused entry stays with
its reason until fixed; a conflict is shown and kept for the office; logout clears the
phone; a queue written by the first field pages (format 1) still syncs."""

from __future__ import annotations

import json
import time

import pytest

from bastion.campaigns.models import HouseholdVisit
from bastion.core.models import IdempotencyRecord
from bastion.field.models import FieldConflict
from bastion.geo.models import Household
from bastion.monitoring.models import FollowUp, Observation, ObservationStatus
from tests.conftest import PASSWORD
from tests.field.conftest import (  # noqa: F401 - fixtures used by name
    campaign,
    field_day,
    monitoring_users,
    policy,
    vol,
)

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/bastion-field-today-390x844.png"
QUEUE_SCREENSHOT = "/tmp/bastion-field-queue-390x844.png"
SIZES = "/tmp/bastion-field-sizes.json"
FIRST_LOAD_BUDGET = 300 * 1024

_TRANSFER_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const items = [nav, ...res].map(e => ({name: e.name, transfer: e.transferSize,
                                          body: e.encodedBodySize}));
  return items;
}"""


def _log_in(page, base: str, username: str, next_url: str) -> None:
    page.goto(f"{base}/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}{next_url}")


def _ready(page) -> None:
    page.wait_for_selector("html[data-ready='1']")


def _wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Poll a JavaScript expression until it is true. Playwright's wait_for_function
    evaluates its predicate with eval(), which the pages' CSP (no 'unsafe-eval') refuses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout:.0f} s: {expression}")
        page.wait_for_timeout(100)


def _controlled(page) -> None:
    _wait_until(page, "!!(navigator.serviceWorker && navigator.serviceWorker.controller)")


def _queue(page) -> tuple[int, int]:
    title = page.locator("#queue-count")
    return int(title.get_attribute("data-pending")), int(title.get_attribute("data-kept"))


def _wait_queue(page, pending: int, kept: int) -> None:
    page.wait_for_selector(f"#queue-count[data-pending='{pending}'][data-kept='{kept}']")


def _record_followup(page, target: str, temperature: str) -> None:
    row = page.locator(f"#followups li[data-target='{target}']")
    row.locator("[data-open]").click()
    row.locator("input[name=temperature]").fill(temperature)
    row.locator("form button[type=submit]").click()


def _no_sideways_scroll(page, what: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, f"{what} scrolls sideways on a 390px phone"


def test_gridworker_records_offline_and_the_queue_drains_exactly_once(
    live_server,
    transactional_db,
    field_day,  # noqa: F811
    phone_page,
):
    county = field_day.county
    page = phone_page
    context = page.context
    base = live_server.url
    zhang, li = str(field_day.zhang.public_id), str(field_day.li.public_id)
    household = Household.objects.get(region=county.grid_a1_1)

    # Online: the day's list arrives and is kept; the service worker takes the pages.
    _log_in(page, base, "gridworker", "/field/today/")
    _ready(page)
    assert page.locator("#followups li.item").count() == 2
    assert "张建国" not in page.content()  # masked names only
    _controlled(page)
    sizes = page.evaluate(_TRANSFER_JS)
    first_load = sum(item["transfer"] for item in sizes)
    assert first_load < FIRST_LOAD_BUDGET, sizes
    _no_sideways_scroll(page, "the field today page")
    page.screenshot(path=SCREENSHOT, full_page=True)

    # Offline: two follow-ups (one with a temperature the server will refuse) ...
    context.set_offline(True)
    page.wait_for_selector(".net.offline")
    _record_followup(page, zhang, "36.7")
    _wait_queue(page, 1, 0)
    _record_followup(page, li, "45")
    _wait_queue(page, 2, 0)
    assert page.locator("#queue-count").inner_text() == "2 条待发送"

    # ... and a household visit on another field page, opened from the phone's cache.
    page.goto(f"{base}/field/visits/")
    _ready(page)
    row = page.locator(f"li[data-target='{household.public_id}']")
    row.locator("[data-open]").click()
    row.locator("input[name=people_present]").fill("3")
    row.locator("form button[type=submit]").click()
    _wait_queue(page, 3, 0)
    assert page.locator("#queue-count").inner_text() == "3 条待发送"

    # A reload without a signal keeps everything.
    page.reload()
    _ready(page)
    _wait_queue(page, 3, 0)
    assert page.locator("li[data-target]").count() == 1
    page.screenshot(path=QUEUE_SCREENSHOT, full_page=True)
    assert not FollowUp.objects.exists() and not HouseholdVisit.objects.exists()

    # The signal returns: sent in order; the accepted go, the refused stays with its reason.
    context.set_offline(False)
    _wait_queue(page, 0, 1)
    refused = page.locator("#queue li.entry.rejected")
    assert "34.0" in refused.locator(".reason").inner_text()
    assert FollowUp.objects.filter(observation=field_day.zhang).count() == 1
    assert FollowUp.objects.filter(observation=field_day.li).count() == 0
    assert HouseholdVisit.objects.filter(household=household).count() == 1
    assert HouseholdVisit.objects.get().people_present == 3
    sent_keys = IdempotencyRecord.objects.filter(path="/api/v1/field/entries").count()
    assert sent_keys == 3

    # Sending again changes nothing.
    page.evaluate("window.bastionField.drain()")
    assert FollowUp.objects.count() == 1 and HouseholdVisit.objects.count() == 1

    # Fix the refused one: it goes out with a new key, once.
    refused.locator("[data-fix]").click()
    refused.locator("input[name=temperature]").fill("37.0")
    refused.locator("form button[type=submit]").click()
    _wait_queue(page, 0, 0)
    assert FollowUp.objects.filter(observation=field_day.li).count() == 1
    assert str(FollowUp.objects.get(observation=field_day.li).temperature) == "37.0"

    # A conflict: offline, a follow-up of 张; meanwhile the office released him.
    page.goto(f"{base}/field/today/")
    _ready(page)
    context.set_offline(True)
    page.wait_for_selector(".net.offline")
    row = page.locator(f"#followups li[data-target='{zhang}']")
    row.locator("[data-open]").click()
    row.locator("input[name=temperature]").fill("36.5")
    row.locator("form button[type=submit]").click()
    _wait_queue(page, 1, 0)
    Observation.objects.filter(pk=field_day.zhang.pk).update(status=ObservationStatus.RELEASED)
    context.set_offline(False)
    _wait_queue(page, 0, 1)
    kept = page.locator("#queue li.entry.conflict")
    assert "观察已结束或已解除" in kept.locator(".reason").inner_text()
    assert "办公室" in kept.locator(".reason").inner_text()
    conflict = FieldConflict.objects.get()
    assert conflict.reason == "released" and conflict.user == county.gridworker
    assert FollowUp.objects.filter(observation=field_day.zhang).count() == 1
    kept.locator("[data-ack]").click()
    _wait_queue(page, 0, 0)

    # Logout clears the phone: no database, no cached pages, no worker.
    page.locator("#field-logout button").click()
    page.wait_for_url(f"{base}/login/")
    deadline = time.time() + 10
    while True:
        left = page.evaluate(
            """async () => ({
                dbs: (await indexedDB.databases()).map(d => d.name),
                caches: await caches.keys(),
                workers: (await navigator.serviceWorker.getRegistrations()).length})"""
        )
        if (
            not left["dbs"] and not left["caches"] and not left["workers"]
        ) or time.time() > deadline:
            break
        time.sleep(0.2)
    assert left == {"dbs": [], "caches": [], "workers": 0}

    with open(SIZES, "w", encoding="utf-8") as out:
        json.dump({"first_load_bytes": first_load, "items": sizes}, out, ensure_ascii=False)


def test_first_load_is_small_and_the_next_comes_from_the_cache(
    live_server,
    transactional_db,
    field_day,  # noqa: F811
    phone_page,
):
    page = phone_page
    base = live_server.url
    _log_in(page, base, "gridworker", "/field/")
    _ready(page)
    _controlled(page)
    first = page.evaluate(_TRANSFER_JS)
    assert sum(i["transfer"] for i in first) < FIRST_LOAD_BUDGET

    from_worker = {}
    page.on("response", lambda r: from_worker.__setitem__(r.url, r.from_service_worker))
    page.goto(f"{base}/field/tasks/")
    _ready(page)
    assert from_worker[f"{base}/field/tasks/"] is True
    assert from_worker[f"{base}/static/field/field.js"] is True
    assert from_worker[f"{base}/static/field/field.css"] is True


def test_a_send_the_server_turns_away_is_retried_by_itself_after_retry_after(
    live_server,
    transactional_db,
    field_day,  # noqa: F811
    phone_page,
):
    """Online, but the server answers 503 (the database away): the entry stays queued and
    the page tries again on its own after Retry-After, with no button and no reload."""
    page = phone_page
    base = live_server.url
    zhang = str(field_day.zhang.public_id)
    _log_in(page, base, "gridworker", "/field/today/")
    _ready(page)
    turned_away = []

    def unavailable_once(route):
        if route.request.method == "POST" and not turned_away:
            turned_away.append(route.request.headers.get("idempotency-key"))
            route.fulfill(
                status=503,
                headers={"Retry-After": "1", "Content-Type": "application/json"},
                body='{"code": "service_unavailable", "message": "x", "fields": {}}',
            )
        else:
            route.continue_()

    # The context, not the page: the service worker may make the request.
    page.context.route("**/api/v1/field/entries", unavailable_once)
    _record_followup(page, zhang, "36.6")
    deadline = time.monotonic() + 15
    while not turned_away and time.monotonic() < deadline:
        page.wait_for_timeout(100)  # lets the route handler run
    assert len(turned_away) == 1, "the entry was never sent"
    _wait_queue(page, 1, 0)  # turned away: still queued, nothing refused
    _wait_until(page, "document.querySelector('#queue-count').dataset.pending === '0'", 15)
    assert len(turned_away) == 1
    followup = FollowUp.objects.get(observation=field_day.zhang)
    assert str(followup.temperature) == "36.6"
    assert IdempotencyRecord.objects.filter(key=turned_away[0]).count() == 1


_V1_QUEUE = """([owner, ref]) => new Promise((resolve, reject) => {
  const req = indexedDB.open('bastion-field', 1);
  req.onupgradeneeded = () => {
    req.result.createObjectStore('queue', {keyPath: 'id'});
    req.result.createObjectStore('day', {keyPath: 'user'});
  };
  req.onsuccess = () => {
    const db = req.result;
    const tx = db.transaction('queue', 'readwrite');
    tx.objectStore('queue').put({v: 1, id: 'v1-entry-0001', owner: owner, type: 'followup',
      ref: ref, label: '张**', queuedAt: Date.now() - 3 * 86400000, state: 'pending',
      payload: {temperature: '36.9', at_home: 'no', contact: 'seen', symptoms: []}});
    tx.oncomplete = () => { db.close(); resolve(true); };
    tx.onerror = () => reject(tx.error);
  };
  req.onerror = () => reject(req.error);
})"""


def test_a_queue_from_the_first_field_pages_is_upgraded_and_sent(
    live_server,
    transactional_db,
    field_day,  # noqa: F811
    phone_page,
):
    county = field_day.county
    page = phone_page
    base = live_server.url
    _log_in(page, base, "gridworker", "/")
    # A phone that last synced with format 1 pages, days ago.
    page.evaluate(_V1_QUEUE, [str(county.gridworker.public_id), str(field_day.zhang.public_id)])

    page.goto(f"{base}/field/today/")
    _ready(page)
    _wait_until(page, "document.querySelector('#queue-count').dataset.pending === '0'")
    followup = FollowUp.objects.get(observation=field_day.zhang)
    assert followup.at_home is False and str(followup.temperature) == "36.9"
    stores = page.evaluate(
        """() => new Promise(r => { const q = indexedDB.open('bastion-field');
        q.onsuccess = () => { const n = Array.from(q.result.objectStoreNames); q.result.close();
        r({version: q.result.version, stores: n}); }; })"""
    )
    assert stores["version"] == 2 and "queue" not in stores["stores"]
    converted = page.evaluate(
        """() => window.bastionField.migrateEntry({v: 1, id: 'k', owner: 'u', type: 'report',
        ref: '430121001001001', queuedAt: 0, state: 'rejected', error: 'x',
        payload: {kind: 'other', at_home: 'yes', campaign: 'c', round: 2}})"""
    )
    assert converted["v"] == 2 and converted["kind"] == "incident"
    assert converted["status"] == "rejected" and converted["reason"] == "x"
    assert converted["campaign"] == "c" and converted["round"] == 2
    assert converted["data"] == {"kind": "other", "at_home": True}
