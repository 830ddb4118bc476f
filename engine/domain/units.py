"""Unit kinds and their names: the levels of the tree a street office keeps (街道 → 社区 → 居民小组 / 院落 / 楼宇).

Which kinds a deployment allows is a setting (``YISHI_UNIT_KINDS``); their names live here, like role names in
``roles``. An unknown kind is shown as its code.
"""

from __future__ import annotations

from engine.domain.texts import Text

KINDS: dict[str, Text] = {
    "street": Text("街道", "Street"),
    "community": Text("社区", "Community"),
    "group": Text("居民小组", "Residents' group"),
    "courtyard": Text("院落", "Courtyard"),
    "building": Text("楼宇", "Building"),
}


def kind_name(code: str) -> Text:
    return KINDS.get(code) or Text(code, code)
