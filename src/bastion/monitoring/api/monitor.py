"""The monitoring view's counts for a region: `GET /monitor?region=CODE`."""

from django.utils import timezone
from ninja import Router

from bastion.access.roles import Perm
from bastion.access.scoping import region_paths
from bastion.core.apierrors import ApiError
from bastion.geo.selectors import region_get
from bastion.monitoring.api.common import api_user
from bastion.monitoring.api.schemas import MonitorOut

router = Router(tags=["monitoring"])


@router.get("/monitor", response=MonitorOut)
def monitor(request, region: str):
    """Under observation, new today, released today, due, overdue, abnormal, by category
    and by origin, for the region's subtree (404 for a region the caller cannot see)."""
    from django.utils.translation import gettext as _

    from bastion.monitoring.selectors.monitor import monitor_counts

    user = api_user(request)
    target = region_get(user=user, code=region)
    paths = region_paths(user, Perm.PERSON_VIEW)
    if paths is not None and not any(target.path.startswith(p) for p in paths):
        # Seeing a region on the way down to one's grid is not seeing its people.
        raise ApiError(403, "forbidden", _("您没有查看该区划观察数据的权限"))
    now = timezone.now()
    counts = monitor_counts(user=user, region_path=target.path, now=now)
    return {"region": target.code, "as_of": now, "counts": counts_json(counts)}


def counts_json(counts: dict) -> dict:
    """monitor_counts' objects (policies, regions) as codes and names."""
    return {
        "totals": counts["totals"],
        "by_category": [
            {"category": p.category, "name": p.name_zh, "counts": c}
            for p, c in counts.get("by_category", [])
        ],
        "by_origin": [{"origin": o, "counts": c} for o, c in counts.get("by_origin", [])],
        "children": [
            {"code": r.code, "name": r.name, "counts": c} for r, c in counts.get("children", [])
        ],
    }
