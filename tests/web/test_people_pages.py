"""Person page and people search: scoping, masking, reveal form, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bastion.people.identity import reveal_id_number
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


def person_url(person) -> str:
    return reverse("people:person", kwargs={"public_id": person.public_id})


# --- Person page --------------------------------------------------------------------


def test_gridworker_sees_person_masked_with_household(county, login):
    zhang = county.people["zhang"]
    response = login(county.gridworker).get(person_url(zhang))
    assert response.status_code == 200
    body = response.content.decode()
    assert "张建国" in body
    assert zhang.id_number_masked in body
    assert reveal_id_number(zhang) not in body
    assert "13812341234" not in body and "138****1234" in body
    assert [m.name for m in response.context["members"]] == ["李秀英"]
    assert [a.code for a in response.context["ancestors"]][-1] == county.grid_a1_1.code


def test_person_page_shows_tags(county, login):
    response = login(county.gridworker).get(person_url(county.people["li"]))
    assert "独居老人" in response.content.decode()


@pytest.mark.parametrize("name", ["zhang", "li", "wang"])
def test_outsider_gets_404_for_town_a_people(county, login, name):
    response = login(county.outsider).get(person_url(county.people[name]))
    assert response.status_code == 404


def test_gridworker_gets_404_for_neighbouring_grid_person(county, login):
    assert login(county.gridworker).get(person_url(county.people["wang"])).status_code == 404


def test_unknown_person_is_404(county, login):
    url = reverse("people:person", kwargs={"public_id": "00000000-0000-0000-0000-000000000000"})
    assert login(county.auditor).get(url).status_code == 404


def test_teammember_sees_assigned_person_with_unlinked_breadcrumb(county, login):
    response = login(county.teammember).get(person_url(county.people["wang"]))
    assert response.status_code == 200
    assert all(a.hidden for a in response.context["ancestors"])
    assert reverse("geo:region", args=[county.grid_a1_2.code]) not in response.content.decode()


def test_reveal_form_shown_only_with_reveal_permission(county, login):
    zhang = county.people["zhang"]
    with_perm = login(county.gridworker).get(person_url(zhang))
    assert with_perm.context["can_reveal"] is True
    without = login(county.auditor).get(person_url(zhang))
    assert without.status_code == 200
    assert without.context["can_reveal"] is False
    assert 'name="reason"' not in without.content.decode()


def test_reveal_form_posts_to_access_reveal(county, login):
    zhang = county.people["zhang"]
    body = login(county.gridworker).get(person_url(zhang)).content.decode()
    reveal_url = reverse("access:reveal", kwargs={"public_id": zhang.public_id})
    assert f'hx-post="{reveal_url}"' in body
    assert 'name="reason"' in body and 'name="field"' in body


# --- People search ------------------------------------------------------------------


def test_people_list_scoped_to_gridworker(county, login):
    response = login(county.gridworker).get(reverse("people:list"))
    assert response.status_code == 200
    assert {p.name for p in response.context["page"]} == {"张建国", "李秀英"}
    body = response.content.decode()
    assert "赵大海" not in body
    assert reveal_id_number(county.people["zhang"]) not in body


def test_people_list_search_by_name_region_and_tag(county, login):
    client = login(county.auditor)
    by_name = client.get(reverse("people:list"), {"q": "王小"})
    assert [p.name for p in by_name.context["page"]] == ["王小明"]
    by_region = client.get(reverse("people:list"), {"region": county.town_b.code})
    assert [p.name for p in by_region.context["page"]] == ["赵大海"]
    by_tag = client.get(reverse("people:list"), {"tag": "elderly_alone"})
    assert [p.name for p in by_tag.context["page"]] == ["李秀英"]


def test_people_search_by_id_number_keeps_it_out_of_url_and_page(county, login):
    zhang = county.people["zhang"]
    number = reveal_id_number(zhang)
    client = login(county.auditor)
    response = client.post(reverse("people:list"), {"q": number})
    assert response.status_code == 302
    assert number not in response["Location"]
    page = client.get(response["Location"])
    assert [p.name for p in page.context["page"]] == ["张建国"]
    body = page.content.decode()
    assert number not in body
    assert zhang.id_number_masked in body


def test_people_search_by_phone_via_post(county, login):
    client = login(county.auditor)
    response = client.post(reverse("people:list"), {"q": "13900001111"}, follow=True)
    assert [p.name for p in response.context["page"]] == ["赵大海"]
    assert "13900001111" not in response.content.decode()


def test_outsider_gets_404_filtering_by_town_a_region(county, login):
    response = login(county.outsider).get(reverse("people:list"), {"region": county.town_a.code})
    assert response.status_code == 404


def test_people_list_empty_states(county, login):
    none_found = login(county.auditor).get(reverse("people:list"), {"q": "查无此人"})
    assert "没有找到符合条件的人员" in none_found.content.decode()
    nothing = login(county.nobody).get(reverse("people:list"))
    assert "你的范围内还没有人员" in nothing.content.decode()


def test_people_list_query_count_is_pinned(county, login, django_assert_max_num_queries):
    for n in range(40):
        make_person(county.grid_a1_1, f"居民{n}", phone=f"1380000{n:04d}")
    client = login(county.gridworker)
    client.get(reverse("people:list"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("people:list"))
    assert len(response.context["page"]) == 30
    with django_assert_max_num_queries(12):
        client.get(reverse("people:list"), {"page": 2})


def test_people_list_requires_login(client):
    assert client.get(reverse("people:list")).status_code == 302


def test_reveal_from_person_page_swaps_in_the_number(county, login):
    zhang = county.people["zhang"]
    client = login(county.gridworker)
    body = client.get(person_url(zhang)).content.decode()
    assert f'id="reveal-{zhang.public_id}"' in body
    assert f'hx-target="#reveal-{zhang.public_id}"' in body
    reveal_url = reverse("access:reveal", kwargs={"public_id": zhang.public_id})
    response = client.post(
        reveal_url, {"field": "id_number", "reason": "核实返乡人员身份"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert reveal_id_number(zhang) in fragment
    assert f'id="reveal-{zhang.public_id}"' in fragment
