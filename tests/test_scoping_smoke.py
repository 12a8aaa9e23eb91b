from bastion.access.scoping import restrict_people, restrict_regions
from bastion.geo.models import Region
from bastion.people.models import Person


def test_grid_worker_sees_only_her_grid_people(county):
    names = set(
        restrict_people(Person.objects.all(), county.gridworker).values_list("name", flat=True)
    )
    assert names == {"张建国", "李秀英"}


def test_team_member_sees_only_assigned_person(county):
    names = set(
        restrict_people(Person.objects.all(), county.teammember).values_list("name", flat=True)
    )
    assert names == {"王小明"}


def test_outsider_sees_no_town_a_region(county):
    codes = set(
        restrict_regions(Region.objects.all(), county.outsider).values_list("code", flat=True)
    )
    assert "430121001001001" not in codes
    assert "430121002001001" in codes
    assert "430121000000" in codes  # ancestor on the way down


def test_county_command_sees_everyone(county):
    assert restrict_people(Person.objects.all(), county.command).count() == 4
