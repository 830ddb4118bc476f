"""Write the application's OpenAPI document (the web app's typed client is generated from it).

``python -m api.openapi web/src/api/openapi.json`` builds the app with ``create_app()`` without starting it
(no database is opened: the service is created in the lifespan, which does not run here).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def document() -> dict:
    from api.app import create_app

    return create_app(seed_demo=False, processes_dir="", tick_seconds=0).openapi()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = json.dumps(document(), ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    if not args or args[0] == "-":
        sys.stdout.write(text)
        return 0
    target = Path(args[0])
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_text(encoding="utf-8") != text:  # unchanged: keep the mtime for make
        target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
