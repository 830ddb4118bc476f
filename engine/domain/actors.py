"""Who acts: a user id with its (unit, role) memberships. Accounts and login live in the API."""

from __future__ import annotations

from dataclasses import dataclass, field

ADMIN_ROLE = "administrator"
DESIGNER_ROLE = "designer"
SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    user_id: str
    memberships: frozenset[tuple[str, str]] = field(default_factory=frozenset)  # (unit, role)
    is_admin: bool = False
    is_designer: bool = False
    granted: frozenset[tuple[str, str]] | None = None  # as granted, before covering roles reach down; None: same
    must_change_password: bool = False  # signed in with a one-time code: may only set a new password

    @property
    def direct(self) -> frozenset[tuple[str, str]]:
        """The memberships as granted (what the person's account page lists)."""
        return self.memberships if self.granted is None else self.granted

    def administers(self, unit: str) -> bool:
        """An administrator of the whole system, or one holding ``administrator`` at the unit or above it."""
        return self.is_admin or (unit, ADMIN_ROLE) in self.memberships

    @property
    def is_unit_admin(self) -> bool:
        """Holds ``administrator`` at some unit (manages people in that subtree)."""
        return any(role == ADMIN_ROLE for _, role in self.memberships)

    def may_work(self, unit: str, role: str | None, assignee: str | None) -> bool:
        """Who works an open task: the user it is addressed to (``assignee``) or an administrator of its unit;
        else whoever holds its lane's role in the unit."""
        if assignee is not None:
            return assignee == self.user_id or self.administers(unit)
        return self.holds(unit, role)

    def holds(self, unit: str, role: str | None) -> bool:
        return role is not None and (unit, role) in self.memberships

    def may_start(self, start_roles: list[str], unit: str) -> bool:
        """Who may start a case of a method in ``unit``: one of its start roles there, any member when it names
        none, an administrator always."""
        if self.is_admin:
            return True
        if start_roles:
            return any(self.holds(unit, role) for role in start_roles)
        return self.member_of(unit)

    def member_of(self, unit: str) -> bool:
        return self.is_admin or any(u == unit for u, _ in self.memberships)

    def roles_in(self, unit: str) -> set[str]:
        return {r for u, r in self.memberships if u == unit}

    @classmethod
    def parse(cls, user_id: str, memberships: list[str] | None = None, *, admin: bool = False,
              designer: bool = False) -> Actor:
        """Build from "unit:role" strings (the CLI's --as-member options)."""
        pairs = set()
        for item in memberships or []:
            unit, sep, role = item.rpartition(":")
            if not sep or not unit or not role:
                raise ValueError(f"membership '{item}' must be written UNIT:ROLE")
            pairs.add((unit, role))
        return cls(user_id, frozenset(pairs), is_admin=admin, is_designer=designer)


SYSTEM_ACTOR = Actor(SYSTEM, is_admin=True)
