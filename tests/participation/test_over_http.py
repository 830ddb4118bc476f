"""A resident takes part over HTTP: the home lists the vote open to her, she votes and changes her vote, posts in
the discussion with an @mention, and the case's votes answer her ballot; errors are problem+json with 4xx."""

from __future__ import annotations

from engine.people import accounts, demo
from tests.support.http_app import demo_client, login
from tests.support.participation import STEWARD, to_meeting_notice
from tests.support.scenario import PROCESSES


def test_a_resident_votes_and_posts_from_her_home(db_url):
    with demo_client(db_url, PROCESSES) as client:
        service = client.service
        with service.db.begin() as conn:
            for user in ("wang", "zhao"):
                accounts.ensure_user(conn, user, demo.PASSWORD, display_name=f"居民{user}",
                                     roles=[(demo.COMMUNITY, "residents")])
        s, _meeting = to_meeting_notice(service)
        service.open_vote(s.case_id, STEWARD, roll=[{"user": "wang", "weight": 1}, {"user": "zhao", "weight": 2}])
        wang = login(client, "wang")
        home = client.get("/api/me/home", headers=wang).json()
        assert [(v["case_id"], v["voted"]) for v in home["votes"]] == [(s.case_id, False)]
        url = f"/api/cases/{s.case_id}/votes"
        assert client.post(f"{url}/ballot", json={"choice": "no"}, headers=wang).json()["changed"] is False
        changed = client.post(f"{url}/ballot", json={"choice": "yes"}, headers=wang).json()
        assert changed == {"vote": changed["vote"], "voted": True, "secret": False, "choice": "yes", "changed": True}
        wrong = client.post(f"{url}/ballot", json={"choice": "maybe"}, headers=wang)
        assert wrong.status_code == 422 and wrong.headers["content-type"] == "application/problem+json"
        outsider = client.post(f"{url}/ballot", json={"choice": "yes"}, headers=login(client, "proposer"))
        assert outsider.status_code == 403
        votes = client.get(url, headers=wang).json()["votes"][0]
        assert (votes["my_choice"], votes["changes"], votes["eligible_total"], votes["present"]) == ("yes", 1, 3, 1)
        assert client.get("/api/me/home", headers=wang).json()["votes"][0]["voted"] is True
        posted = client.post(f"/api/cases/{s.case_id}/discussion", json={"text": "我同意，@zhao 你呢？"},
                             headers=wang)
        assert posted.status_code == 201 and posted.json()["mentions"] == ["zhao"]
        zhao = login(client, "zhao")
        bell = client.get("/api/notifications", headers=zhao).json()["items"]
        assert {n["kind"] for n in bell} >= {"vote_opened", "mentioned"}
        hide = client.post(f"/api/cases/{s.case_id}/discussion/{posted.json()['post']}/hide",
                           json={"reason": "测试"}, headers=zhao)
        assert hide.status_code == 403
        home = client.get("/api/me/home", headers=wang).json()
        assert home["threads"][0]["case_id"] == s.case_id and home["boards"][0]["unit"] == demo.COMMUNITY
