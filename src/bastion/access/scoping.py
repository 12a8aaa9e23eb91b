"""The one place that answers "may user U do A, and on which records".

Grants carry down the tree: a role held at a town covers every community, grid,
household and person whose `path` starts with the town's path. Responsibility
assignments (包片/包户/包人) add the grids, households and people a user answers for;
a responsibility-team member sees people only through them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from bastion.access.roles import ROLE_PERMISSIONS, Perm, Role

# Roles whose region grant does not open the region's people: they see people only
# through their assignments.
_ASSIGNMENT_ONLY_ROLES = frozenset({Role.TEAM_MEMBER, Role.VOLUNTEER, Role.WAREHOUSE_KEEPER})
_PERSON_PERMS = frozenset(
    {Perm.PERSON_VIEW, Perm.PERSON_CHANGE, Perm.PII_REVEAL, Perm.PERSON_IMPORT}
)


@dataclass(slots=True)
class UserScope:
    """Everything needed to scope reads for one user, loaded once per request."""

    superuser: bool
    # perm -> region paths (prefixes) where the user holds it
    paths: dict[str, list[str]] = field(default_factory=dict)
    org_paths: dict[str, list[str]] = field(default_factory=dict)
    assigned_grid_paths: list[str] = field(default_factory=list)
    assigned_household_ids: list[int] = field(default_factory=list)
    assigned_person_ids: list[int] = field(default_factory=list)
    perms: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()


def collapse_paths(paths: list[str]) -> list[str]:
    """Drop paths covered by a shorter prefix in the list."""
    kept: list[str] = []
    for p in sorted(set(paths)):
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return kept


def scope_of(user) -> UserScope:
    """Load (and cache on the user object) the user's grants."""
    cached = getattr(user, "_bastion_scope", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        scope = UserScope(superuser=False)
    elif user.is_superuser:
        scope = UserScope(superuser=True)
    else:
        paths: dict[str, list[str]] = {}
        org_paths: dict[str, list[str]] = {}
        perms: set[str] = set()
        roles: set[str] = set()
        role_rows, assignment_rows = _grant_rows(user.pk)
        for role, region_path, org_path in role_rows:
            roles.add(role)
            for perm in ROLE_PERMISSIONS.get(role, ()):
                perms.add(perm)
                if region_path and not (role in _ASSIGNMENT_ONLY_ROLES and perm in _PERSON_PERMS):
                    paths.setdefault(perm, []).append(region_path)
                if org_path:
                    org_paths.setdefault(perm, []).append(org_path)
        scope = UserScope(
            superuser=False,
            paths={k: collapse_paths(v) for k, v in paths.items()},
            org_paths={k: collapse_paths(v) for k, v in org_paths.items()},
            perms=frozenset(perms),
            roles=frozenset(roles),
        )
        for kind, path, household_id, person_id in assignment_rows:
            if kind == "grid":
                scope.assigned_grid_paths.append(path)
            elif kind == "household":
                scope.assigned_household_ids.append(household_id)
            else:
                scope.assigned_person_ids.append(person_id)
    try:
        user._bastion_scope = scope
    except AttributeError:  # AnonymousUser is immutable-ish; skip caching
        pass
    return scope


_GRANTS_SQL = """
SELECT 0, role, region_path, org_path, NULL, NULL FROM {roles} WHERE user_id = %s
UNION ALL
SELECT 1, kind, path, '', household_id, person_id FROM {assignments} WHERE user_id = %s
"""


def _grant_rows(user_id: int) -> tuple[list[tuple], list[tuple]]:
    """The user's role assignments (role, region_path, org_path) and responsibility
    assignments (kind, path, household_id, person_id), in one round trip."""
    from django.db import connection

    from bastion.access.models import Assignment, RoleAssignment

    sql = _GRANTS_SQL.format(
        roles=connection.ops.quote_name(RoleAssignment._meta.db_table),
        assignments=connection.ops.quote_name(Assignment._meta.db_table),
    )
    role_rows: list[tuple] = []
    assignment_rows: list[tuple] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, user_id])
        for source, a, b, c, household_id, person_id in cursor.fetchall():
            if source == 0:
                role_rows.append((a, b, c))
            else:
                assignment_rows.append((a, b, household_id, person_id))
    return role_rows, assignment_rows


def forget_scope(user) -> None:
    """Drop the cached scope (and what other apps memoised beside it) after the user's
    grants change."""
    if hasattr(user, "_bastion_scope"):
        del user._bastion_scope
    if hasattr(user, "_bastion_scope_memo"):
        del user._bastion_scope_memo


def scope_memo(user, key: str, compute):
    """`compute()` once per user object (i.e. per request), kept beside the scope and
    dropped with it by `forget_scope`: for other apps' grant-like facts, such as the
    observations whose team a user sits on. Never shared between requests."""
    memo = getattr(user, "_bastion_scope_memo", None)
    if memo is None:
        memo = {}
        try:
            user._bastion_scope_memo = memo
        except AttributeError:  # AnonymousUser: nothing to keep
            return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def has_perm(user, perm: str) -> bool:
    """True if the user holds `perm` anywhere."""
    scope = scope_of(user)
    return scope.superuser or perm in scope.perms


def region_paths(user, perm: str) -> list[str] | None:
    """Region path prefixes where the user holds `perm`; None means everywhere."""
    scope = scope_of(user)
    if scope.superuser:
        return None
    return scope.paths.get(perm, [])


def subtree_prefixes(user, perm: str, within: str | None, *, people: bool) -> list[str] | None:
    """What `restrict_people` (people=True) or `restrict_households` shows the user under
    the path `within`, as region path prefixes ("" is everywhere); None when households or
    people assigned one by one are part of it, since no prefix describes those."""
    paths = region_paths(user, perm)
    if paths is None:
        paths = [""]
    else:
        scope = scope_of(user)
        if perm in scope.perms:
            if scope.assigned_household_ids or (people and scope.assigned_person_ids):
                return None
            paths = paths + scope.assigned_grid_paths
    if within:
        paths = [
            p if p.startswith(within) else within
            for p in paths
            if p.startswith(within) or within.startswith(p)
        ]
    return collapse_paths(paths)


def _prefix_q(field_name: str, prefixes: list[str]) -> Q:
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(**{f"{field_name}__startswith": prefix})
    return q


def restrict_regions(qs: QuerySet, user, perm: str = Perm.REGION_VIEW) -> QuerySet:
    """Regions the user may see: their subtrees, plus the ancestors on the way down
    (so a grid worker can see which community her grid belongs to, but not its siblings).
    """
    paths = region_paths(user, perm)
    if paths is None:
        return qs
    scope = scope_of(user)
    prefixes = collapse_paths(paths + (scope.assigned_grid_paths if perm in scope.perms else []))
    ancestors = {p[: i + 1] for p in prefixes for i, ch in enumerate(p) if ch == "/"}
    return qs.filter(_prefix_q("path", prefixes) | Q(path__in=ancestors))


def restrict_by_path(qs: QuerySet, user, perm: str, field_name: str = "path") -> QuerySet:
    """Records whose region path lies in the user's subtrees for `perm` (no assignments)."""
    paths = region_paths(user, perm)
    if paths is None:
        return qs
    return qs.filter(_prefix_q(field_name, paths))


def restrict_households(qs: QuerySet, user, perm: str = Perm.PERSON_VIEW) -> QuerySet:
    paths = region_paths(user, perm)
    if paths is None:
        return qs
    scope = scope_of(user)
    q = _prefix_q("path", paths)
    if perm in scope.perms:
        q |= _prefix_q("path", scope.assigned_grid_paths)
        q |= Q(pk__in=scope.assigned_household_ids)
    return qs.filter(q)


def restrict_people(qs: QuerySet, user, perm: str = Perm.PERSON_VIEW) -> QuerySet:
    """People the user may see for `perm`: region grants plus 包片/包户/包人 assignments."""
    paths = region_paths(user, perm)
    if paths is None:
        return qs
    scope = scope_of(user)
    q = _prefix_q("path", paths)
    if perm in scope.perms:
        q |= _prefix_q("path", scope.assigned_grid_paths)
        q |= Q(household_id__in=scope.assigned_household_ids)
        q |= Q(pk__in=scope.assigned_person_ids)
    return qs.filter(q)


def org_paths_for(user, perm: str) -> list[str] | None:
    """Organization path prefixes where the user holds `perm`; None means everywhere."""
    scope = scope_of(user)
    if scope.superuser:
        return None
    return scope.org_paths.get(perm, [])


def restrict_by_org_or_region(
    qs: QuerySet,
    user,
    perm: str,
    *,
    org_field: str = "org_path",
    region_field: str = "region_path",
) -> QuerySet:
    """Records inside the user's organization subtrees or region subtrees for `perm`.

    For records that belong to a party organization and sit somewhere in the region
    tree (organizations, members, teams): the organization department sees them by
    the organization tree, a town officer by the region tree.
    """
    regions = region_paths(user, perm)
    orgs = org_paths_for(user, perm)
    if regions is None or orgs is None:
        return qs
    return qs.filter(_prefix_q(org_field, orgs) | _prefix_q(region_field, regions))


def can_on_org_or_region(user, perm: str, *, org_path: str, region_path: str) -> bool:
    """The one-record form of `restrict_by_org_or_region`."""
    regions = region_paths(user, perm)
    orgs = org_paths_for(user, perm)
    if regions is None or orgs is None:
        return True
    return any(org_path.startswith(p) for p in orgs if org_path) or any(
        region_path.startswith(p) for p in regions if region_path
    )


def can_on_path(user, perm: str, path: str) -> bool:
    """May the user do `perm` on a record at region `path` (region grants only)?"""
    paths = region_paths(user, perm)
    return paths is None or any(path.startswith(p) for p in paths)
