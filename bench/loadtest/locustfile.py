"""The users of bench/load.py: members of one organization each, working through the REST API.

The plan (LOAD_PLAN, written by bench/load.py) holds every organization's members with their
API tokens and cases (a sample with names for coordinators, the assigned ones for caseworkers)
and the referrals waiting for its answer. Coordinators and caseworkers come two to one; the n-th
user of a kind belongs to organization n (modulo their number). Between two requests a user
waits LOAD_THINK seconds on average (uniformly from half to one and a half times it; 0: no
wait). Weighted mix:
case list 30, case view 25, search by name 15, notifications 10, add a note 10, referral actions
10 (coordinators: half viewing the incoming queue, half answering a waiting referral, which
acknowledges it or declines one it acknowledged before; caseworkers, who may not answer, list
their cases instead). One process, so the referral pools are shared without races.
"""

import itertools
import json
import os
import random
from collections import deque

from locust import FastHttpUser, between, constant, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115
ORGANIZATIONS = PLAN["organizations"]
WAITING = {
    key: {"sent": deque(pools["sent"]), "acknowledged": deque(pools["acknowledged"])}
    for key, pools in PLAN["waiting"].items()
}
THINK = float(os.environ.get("LOAD_THINK", "0"))
NOTE = "Called the survivor; next appointment agreed with the legal-aid team."


class Member(FastHttpUser):
    abstract = True
    wait_time = between(THINK / 2, THINK * 1.5) if THINK else constant(0)
    counter = None
    role = ""

    def on_start(self):
        n = next(type(self).counter)
        self.organization = ORGANIZATIONS[n % len(ORGANIZATIONS)]
        members = self.organization[self.role]
        member = members[(n // len(ORGANIZATIONS)) % len(members)]
        self.auth = {"Authorization": f"Bearer {member['token']}"}
        self.cases = member["cases"] or self.organization["cases"]
        self.rng = random.Random(n)

    def case(self):
        return self.rng.choice(self.cases)

    @task(30)
    def case_list(self):
        self.client.get("/api/v1/cases/", name="case list", headers=self.auth)

    @task(25)
    def case_view(self):
        self.client.get(f"/api/v1/cases/{self.case()[0]}/", name="case view", headers=self.auth)

    @task(15)
    def search(self):
        self.client.post("/api/v1/cases/search/", json={"name": self.case()[1]}, name="search", headers=self.auth)

    @task(10)
    def notifications(self):
        self.client.get("/api/v1/notifications/", name="notifications", headers=self.auth)

    @task(10)
    def add_note(self):
        self.client.post(
            f"/api/v1/cases/{self.case()[0]}/notes/create/", json={"body": NOTE}, name="add note", headers=self.auth
        )


class Coordinator(Member):
    weight = 2
    counter = itertools.count()
    role = "coordinators"

    @task(10)
    def referral(self):
        pools = WAITING[str(self.organization["id"])]
        if self.rng.random() < 0.5 or not (pools["sent"] or pools["acknowledged"]):
            self.client.get("/api/v1/referrals/incoming/", name="referral queue", headers=self.auth)
        elif pools["acknowledged"] and (self.rng.random() < 0.5 or not pools["sent"]):
            referral = pools["acknowledged"].popleft()
            body = {"action": "decline", "reason": "no_capacity"}
            self.client.post(
                f"/api/v1/referrals/{referral}/act/", json=body, name="referral decline", headers=self.auth
            )
        else:
            referral = pools["sent"].popleft()
            self.client.post(
                f"/api/v1/referrals/{referral}/act/",
                json={"action": "acknowledge"},
                name="referral acknowledge",
                headers=self.auth,
            )
            pools["acknowledged"].append(referral)


class Caseworker(Member):
    weight = 1
    counter = itertools.count()
    role = "caseworkers"

    @task(10)
    def own_cases(self):
        self.client.get("/api/v1/cases/", name="case list", headers=self.auth)
