"""The role registry: every role code (a BPMN lane, or a right such as administrator) with its Chinese and English
name, from DOMAIN.md §3.1 (community roles), §5.3 and §6.3 (building roles). This is the single place role names
live; a code missing here is shown as itself.

Roles in ``COVERING`` reach down the unit tree (``engine.people.accounts.actor_of`` spreads them).

``name_of("grid_steward")`` → ``Text("网格管家", "Grid steward")``; ``name_of("night_watch")`` → the code in both
languages.
"""

from __future__ import annotations

from engine.domain.actors import ADMIN_ROLE, DESIGNER_ROLE
from engine.domain.texts import Text

ROLES: dict[str, Text] = {
    # community deliberation (DOMAIN.md §3.1, §5.3)
    "proposer": Text("提议主体", "Proposer"),
    "grid_steward": Text("网格管家", "Grid steward"),
    "deliberation_committee": Text("协商议事委员会", "Deliberation committee"),
    "review_panel": Text("评审小组", "Review panel"),
    "party_org": Text("社区党组织", "Community Party organisation"),
    "assembly": Text("居民（代表）会议", "Residents' (representatives') assembly"),
    "two_committees": Text("社区“两委”", "Community two committees"),
    "supervision_committee": Text("监督委员会", "Supervision committee"),
    "street_office": Text("街道办事处", "Street office"),
    "experts": Text("专家", "Experts"),
    "residents": Text("全体居民", "Residents"),
    # building collective bargaining (DOMAIN.md §6.3)
    "union_fed": Text("楼宇工会联合会", "Building union federation"),
    "employer_side": Text("企业方", "Employer side"),
    "recorder": Text("记录员", "Recorder"),
    "congress": Text("楼宇职代会", "Building workers' congress"),
    "upper_union": Text("上级工会", "Higher-level union"),
    "labour_admin": Text("人力资源和社会保障局", "Human resources and social security bureau"),
    "arbitration": Text("劳动人事争议仲裁委员会", "Labour dispute arbitration committee"),
    "all_staff": Text("全体职工", "All staff"),
    # the engine and the rights of the application
    "system": Text("系统", "System"),
    ADMIN_ROLE: Text("管理员", "Administrator"),
    DESIGNER_ROLE: Text("流程设计人员", "Process designer"),
}


COVERING: frozenset[str] = frozenset({"street_office", ADMIN_ROLE})
"""Roles that, held at a unit, also apply to every unit below it (a street office acts on its communities' cases;
an administrator of a street manages its communities). Every other role applies to its own unit only."""


def covers_descendants(code: str) -> bool:
    return code in COVERING


def name_of(code: str | None) -> Text:
    """The role's name in both languages; an unknown code (or none) is shown as itself."""
    if code is None:
        return Text("", "")
    return ROLES.get(code) or Text(code, code)


def registry(codes: set[str] | list[str]) -> list[dict]:
    """``[{code, zh, en}]`` for ``codes``: registry order first, then unknown codes alphabetically."""
    order = {code: index for index, code in enumerate(ROLES)}
    ranked = sorted(set(codes), key=lambda c: (order.get(c, len(order)), c))
    return [{"code": c, "zh": name_of(c).zh, "en": name_of(c).en} for c in ranked]
