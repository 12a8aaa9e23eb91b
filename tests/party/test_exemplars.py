"""Exemplars: nominated with deed, evidence and photo, reviewed, published; the public
column (no login, rate limited) lists only approved, published stories and never shows an
ID number or a phone number."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bastion.party import services
from bastion.party.models import Exemplar, ExemplarStatus
from bastion.people.identity import reveal_id_number
from tests.party.conftest import DEED, png_file

API = "/api/v1/party"


def test_public_column_lists_only_approved_published_stories(client, world):
    html = client.get("/public/party/").content.decode()
    assert "卡口上的先锋" in html
    for title in ("社区里的逆行者", "待审核的事迹", "未通过的事迹"):
        assert title not in html
    story = client.get(f"/public/party/{world.published.public_id}/")
    assert story.status_code == 200 and "高速卡口" in story.content.decode()
    for hidden in (world.approved, world.nominated, world.rejected):
        assert client.get(f"/public/party/{hidden.public_id}/").status_code == 404
        assert client.get(f"/public/party/{hidden.public_id}/photo/").status_code == 404


def test_public_photo_is_served_for_a_published_story_only(client, world):
    response = client.get(f"/public/party/{world.published.public_id}/photo/")
    assert response.status_code == 200 and response["Content-Type"].startswith("image/")
    services.exemplar_withdraw(actor=None, exemplar=world.published, reason="核实中")
    assert client.get(f"/public/party/{world.published.public_id}/photo/").status_code == 404
    assert "卡口上的先锋" not in client.get("/public/party/").content.decode()


def test_public_pages_never_show_id_or_phone_numbers(client, county, party_tree, world):
    wang = party_tree.members["wang"].person
    html = client.get(f"/public/party/{world.published.public_id}/").content.decode()
    html += client.get("/public/party/").content.decode()
    assert reveal_id_number(wang) not in html and wang.id_number_masked not in html
    assert "13812341234" not in html


def test_text_with_a_number_is_refused_at_nomination_and_blanked_if_it_slips_through(
    party_tree, world, client
):
    with pytest.raises(ValidationError) as err:
        services.exemplar_nominate(
            actor=None, nominating_org=party_tree.town_a, kind="person",
            member=party_tree.members["wang"], title="好人", deed=DEED + "联系电话13812341234",
        )  # fmt: skip
    assert "deed" in err.value.message_dict
    # Written before the rule (or straight into the database): the page blanks it.
    Exemplar.objects.filter(pk=world.published.pk).update(
        deed=DEED + " 430121199001011234 138-1234-1234"
    )
    html = client.get(f"/public/party/{world.published.public_id}/").content.decode()
    assert "430121199001011234" not in html and "138-1234-1234" not in html and "＊＊＊" in html


def test_public_column_is_rate_limited(client, world, settings):
    settings.BASTION_PUBLIC_REQUESTS_PER_MINUTE = 3
    codes = [client.get("/public/party/").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]


def test_review_and_publish_need_the_review_permission(county, party_tree, world, login):
    with pytest.raises(PermissionDenied):  # sees it (nominating side) but may not review
        services.exemplar_review(
            actor=party_tree.secretary_a, exemplar=world.nominated, approve=True
        )
    client = login(county.command)
    response = client.post(
        f"/party/exemplars/{world.nominated.public_id}/",
        {"review": "1", "decision": "approve", "note": ""},
    )
    assert response.status_code == 302
    world.nominated.refresh_from_db()
    assert world.nominated.status == ExemplarStatus.APPROVED
    client.post(f"/party/exemplars/{world.nominated.public_id}/", {"publish": "1"})
    world.nominated.refresh_from_db()
    assert world.nominated.is_public


def test_the_edit_form_is_for_reviewers_and_the_nominating_side(county, party_tree, world, login):
    """A town officer sees the stories (party.view) but may edit none: the form does not
    exist for her (404). The nominating organization edits while the story waits for
    review; reviewers edit it afterwards too."""

    def edit(user, exemplar):
        return login(user).get(f"/party/exemplars/{exemplar.public_id}/edit/").status_code

    viewer = login(county.town)
    assert viewer.get(f"/party/exemplars/{world.nominated.public_id}/").status_code == 200
    assert edit(county.town, world.nominated) == 404
    response = viewer.post(
        f"/party/exemplars/{world.nominated.public_id}/edit/",
        {"subject_name": "王小明", "title": "改过的标题", "deed": DEED},
    )
    assert response.status_code == 404
    world.nominated.refresh_from_db()
    assert world.nominated.title != "改过的标题"
    assert edit(party_tree.secretary_a, world.nominated) == 200
    assert edit(party_tree.secretary_a, world.approved) == 404
    assert edit(county.command, world.approved) == 200
    assert edit(party_tree.secretary_b, world.nominated) == 404


def test_rejection_needs_a_reason_and_unapproved_stories_cannot_be_published(party_tree, world):
    with pytest.raises(ValidationError):
        services.exemplar_review(actor=None, exemplar=world.nominated, approve=False, note="")
    with pytest.raises(ValidationError):
        services.exemplar_publish(actor=None, exemplar=world.rejected)
    with pytest.raises(ValidationError):
        services.exemplar_publish(actor=None, exemplar=world.nominated)


def test_nomination_through_the_page_with_photo_and_evidence(party_tree, login):
    client = login(party_tree.secretary_a)
    response = client.post(
        "/party/exemplars/new/",
        {
            "nominating_org": "430121001",
            "kind": "person",
            "subject": "王小明",
            "title": "好党员",
            "deed": DEED,
            "photo": png_file(),
            "evidence": [png_file("证明.png")],
        },  # fmt: skip
    )
    assert response.status_code == 302, response.content.decode()[:800]
    exemplar = Exemplar.objects.get(title="好党员")
    assert exemplar.photo is not None and exemplar.evidence.count() == 1
    assert exemplar.status == ExemplarStatus.NOMINATED and exemplar.subject_name == "王小明"
    # Evidence stays private: the party outsider does not get it.
    evidence = exemplar.evidence.get()
    assert (
        login(party_tree.secretary_b)
        .get(f"/party/exemplars/{exemplar.public_id}/files/{evidence.public_id}/")
        .status_code
        == 404
    )


def test_a_photo_that_is_not_an_image_is_refused(party_tree, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = login(party_tree.secretary_a).post(
        "/party/exemplars/new/",
        {
            "nominating_org": "430121001",
            "kind": "person",
            "subject": "王小明",
            "title": "好党员",
            "deed": DEED,
            "photo": SimpleUploadedFile("x.png", b"not an image"),
        },  # fmt: skip
    )
    assert response.status_code == 422
    assert not Exemplar.objects.filter(title="好党员").exists()


def test_api_lists_exemplars_in_scope_and_the_review_flow(county, party_tree, world, login):
    client = login(party_tree.secretary_b)
    assert client.get(f"{API}/exemplars").json()["items"] == []
    client = login(county.orgdept)
    items = client.get(f"{API}/exemplars").json()["items"]
    assert len(items) == 4
    response = client.post(
        f"{API}/exemplars/{world.approved.public_id}/publish", content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["public"] is True
