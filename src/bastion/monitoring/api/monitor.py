"""The monitoring view's counts for a region: `GET /monitor?region=CODE`."""

from django.utils import timezone
from ninja import Router

from bastion.core.apierrors import ApiError
from bastion.monitoring.api.common import api_user
from bastion.monitoring.api.schemas import MonitorOut

router = Router(tags=["monitoring"])


@router.get("/monitor", response=MonitorOut)
def monitor(request, region: str):
    """Under observation, new today, released today, due, overdue, abnormal, by category
    and by origin, for the region's subtree (404 for a region outside the caller's
    subtrees; 403 for a caller who sees no observation data at all)."""
    from django.utils.translation import gettext as _

    from bastion.monitoring.selectors.monitor import can_monitor, monitor_counts, monitor_region

    user = api_user(request)
    if not can_monitor(user):
        raise ApiError(403, "forbidden", _("您没有查看居家观察数据的权限"))
    # Outside the caller's subtrees (also a region on the way down to her grid): 404.
    target = monitor_region(user=user, code=region)
    now = timezone.now()
    counts = monitor_counts(user=user, region_path=target.path, now=now)
    return {"region": target.code, "as_of": now, "counts": counts_json(counts)}


def counts_json(counts: dict) -> dict:
    """monitor_counts' objects (policies, regions) as codes and names."""
    return {
        "totals": counts["totals"],
        "by_category": [
            {"category": p.category, "name": p.display_name, "counts": c}
            for p, c in counts.get("by_category", [])
        ],
        "by_origin": [{"origin": o, "counts": c} for o, c in counts.get("by_origin", [])],
        "children": [
            {"code": r.code, "name": r.name, "counts": c} for r, c in counts.get("children", [])
        ],
        # observations under none of the children (a team seat elsewhere); with the
        # children they sum to the totals
        "unplaced": counts.get("unplaced"),
    }
