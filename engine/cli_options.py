"""The command-line options every ``yishi`` command module shares (``engine.cli`` and the modules it adds), in a
module of their own so those modules can import them without importing ``engine.cli`` while it is being built."""

from __future__ import annotations

from typing import Annotated

import typer

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
UserOpt = Annotated[str, typer.Option("--as", help="User id acting.")]
MemberOpt = Annotated[list[str] | None, typer.Option("--member", "-m", help="Membership UNIT:ROLE (repeatable).")]
AdminOpt = Annotated[bool, typer.Option("--admin", help="Act as an administrator.")]
DatabaseOpt = Annotated[str | None, typer.Option("--database", envvar="YISHI_DATABASE_URL",
                                                 help="Database URL (default: SQLite under ./data).")]
