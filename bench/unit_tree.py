"""What the unit tree costs where it is applied: building the ``Actor`` of a user (issue 11, item 1).

A street with ``--communities`` communities, each with ``--groups`` residents' groups under it, on a fresh SQLite
database (or ``--database``). Times, per call, ``accounts.actor_of`` for a grid steward of one community (no
covering role: one query) and for a street office of the street (a covering role: one more, recursive, query,
and as many (unit, role) pairs as the subtree has units), and the inbox query (``queries.tasks_for``) for both.

Usage: python bench/unit_tree.py [--communities 50] [--groups 6] [--repeat 200]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from pathlib import Path

from engine.people import accounts, users
from engine.people import units as tree
from engine.read import queries
from engine.store.db import make_engine, upgrade


def timed(repeat: int, work) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", type=int, default=50)
    parser.add_argument("--groups", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--database")
    args = parser.parse_args()
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'tree.db'}"
    upgrade(url)
    db = make_engine(url)
    with db.begin() as conn:
        tree.create(conn, "street", "street", "街道", by="bench")
        for c in range(args.communities):
            tree.create(conn, f"c{c}", "community", f"社区{c}", "street", by="bench")
            for g in range(args.groups):
                tree.create(conn, f"c{c}g{g}", "group", f"小组{c}-{g}", f"c{c}", by="bench")
        users.create(conn, "steward", "网格管家", by="bench")
        users.create(conn, "office", "街道办", by="bench")
        accounts.grant(conn, "steward", "c0", "grid_steward", by="bench")
        accounts.grant(conn, "office", "street", "street_office", by="bench")
    units = 1 + args.communities * (1 + args.groups)
    with db.connect() as conn:
        steward, office = accounts.actor_of(conn, "steward"), accounts.actor_of(conn, "office")
        print(f"{platform.node()} · Python {platform.python_version()} · {db.dialect.name} · {units} units, "
              f"median of {args.repeat}")
        for name, who, actor in (("grid steward (1 pair)", "steward", steward),
                                 (f"street office ({len(office.memberships)} pairs)", "office", office)):
            build = timed(args.repeat, lambda w=who: accounts.actor_of(conn, w))
            inbox = timed(args.repeat, lambda a=actor: queries.tasks_for(conn, a))
            print(f"  {name:32} actor_of {build:6.2f} ms   inbox query {inbox:6.2f} ms")
    db.dispose()


if __name__ == "__main__":
    main()
