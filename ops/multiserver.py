"""More than one server: two gunicorn servers behind nginx, one PostgreSQL (plus a
streaming replica), one Redis. Proves, over HTTP on loopback:

1. a login through one server is a login through the other (sessions in the database);
2. a POST retried through the other server with the same Idempotency-Key returns the
   first response and writes once;
3. background jobs queued by the application run once with two workers consuming the
   Redis queue (each notification is mailed once, to a local SMTP sink);
4. nginx spreads requests over both servers and the user stays logged in;
5. dashboards read from the replica and writes go to the primary: with the replica's
   replay paused (lagging), the writer still sees what they wrote (pinned to the
   primary), another user sees the replica's older figure, and after the replica
   catches up both see the same.

    .venv/bin/python -m ops.multiserver --seconds 120      (bounded; --no-replica to skip 5)
"""

from __future__ import annotations

import argparse
import email
import json
import re
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from email.header import decode_header, make_header
from pathlib import Path

from ops import replica as pgreplica
from ops import stack

REDIS_DB = 11
NOTIFICATIONS = 20


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP to receive Django's mails; records each message's subject."""

    def handle(self):
        self.wfile.write(b"220 sink\r\n")
        in_data, lines = False, []
        for raw in self.rfile:
            line = raw.decode(errors="replace").rstrip("\r\n")
            if in_data:
                if line == ".":
                    in_data = False
                    message = email.message_from_string("\n".join(lines))
                    subject = str(make_header(decode_header(message["Subject"] or "")))
                    self.server.subjects.append(subject)
                    lines = []
                    self.wfile.write(b"250 ok\r\n")
                else:
                    lines.append(line)
                continue
            verb = line[:4].upper()
            if verb == "DATA":
                in_data = True
                self.wfile.write(b"354 go\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Smtp)
        self.subjects: list[str] = []
        threading.Thread(target=self.serve_forever, daemon=True).start()


def _cookies(headers: dict) -> dict:
    jar = {}
    for part in headers.get("set-cookie", "").split(", "):
        match = re.match(r"([^=;\s]+)=([^;]*)", part)
        if match:
            jar[match.group(1)] = match.group(2)
    return jar


def _cookie_header(jar: dict) -> dict:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}


def login(port: int, username: str, password: str) -> dict:
    """Log in through the login page on `port`; returns the cookies."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login/")
    page = conn.getresponse()
    html = page.read().decode()
    jar = _cookies({k.lower(): v for k, v in page.getheaders()})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    from urllib.parse import urlencode

    body = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
    conn.request("POST", "/login/", body=body, headers={
        **_cookie_header(jar), "Content-Type": "application/x-www-form-urlencoded",
        "Referer": f"http://127.0.0.1:{port}/login/"})  # fmt: skip
    answer = conn.getresponse()
    answer.read()
    jar.update(_cookies({k.lower(): v for k, v in answer.getheaders()}))
    conn.close()
    if answer.status != 302 or "sessionid" not in jar:
        raise AssertionError(f"login through {port} failed: {answer.status}")
    return jar


def _nginx(prefix: Path, *extra: str) -> None:
    argv = ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), *extra]
    subprocess.run(argv, check=True)  # noqa: S603, S607 - fixed arguments


def _start_nginx(work: Path, port: int, a: int, b: int) -> Path:
    prefix = work / "nginx"
    for sub in ("logs", "tmp"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    conf = (Path(__file__).parent / "nginx.conf").read_text()
    conf = conf.replace("@PORT_A@", str(a)).replace("@PORT_B@", str(b)).replace("@PORT@", str(port))
    (prefix / "nginx.conf").write_text(conf)
    _nginx(prefix, "-g", "daemon on;")
    stack.wait_port(port)
    return prefix


def _stop_nginx(prefix: Path) -> None:
    _nginx(prefix, "-s", "stop")


def _fixtures() -> dict:
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from bastion.access.services import api_token_create
    from bastion.campaigns.services.campaigns import campaign_create
    from bastion.geo.models import Household, Region
    from bastion.monitoring.models import Observation, Policy
    from bastion.monitoring.services.observations import observation_register
    from bastion.people.models import Person

    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["grid", "community", "town"])}  # fmt: skip
    grid = Region.objects.get(pk=users["grid"].roles.first().region_id)
    today = timezone.localdate()
    observation = Observation.objects.filter(region=grid, ended_at__isnull=True).first()
    if observation is None:
        person = Person.objects.filter(region=grid).exclude(
            pk__in=Observation.objects.values("person_id")).first()  # fmt: skip
        observation = observation_register(
            actor=users["grid"], policy=Policy.objects.get(category="returnee"), person=person,
            origin="湖北省武汉市", arrived_on=today - dt.timedelta(days=2))  # fmt: skip
    campaign = campaign_create(actor=users["town"], name=f"多机排查{uuid.uuid4().hex[:6]}",
                               kind="carpet", starts_on=today,
                               ends_on=today + dt.timedelta(days=10), regions=[grid])  # fmt: skip

    def token(name):
        return api_token_create(actor=users[name], user=users[name], name="multi")[1]

    return {
        "grid_token": token("grid"),
        "community_token": token("community"),
        "observation": str(observation.public_id),
        "campaign": str(campaign.public_id),
        "households": [str(h.public_id) for h in Household.objects.filter(region=grid)],
        "grid_code": grid.code,
        "grid_user": users["grid"],
    }


def run(args) -> dict:
    import redis

    results: dict = {}
    work = Path(tempfile.mkdtemp(prefix="bastion-multi-"))
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    redis.Redis.from_url(redis_url).flushdb()
    sink = SmtpSink()
    stack.ensure_database(args.db)
    replica_dir = None
    extra = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(sink.server_address[1]),
             "BASTION_REPLICA_PIN_SECONDS": "20"}  # fmt: skip
    if not args.no_replica:
        replica_dir = pgreplica.start()
        extra["DATABASE_REPLICA_URL"] = f"postgres://postgres@127.0.0.1:{pgreplica.PORT}/{args.db}"
    env = stack.environment(args.db, work, redis_url=redis_url, extra=extra)
    stack.django_setup(env)
    servers, workers, nginx = [], [], None
    deadline = time.monotonic() + args.seconds
    try:
        stack.prepare(args.db)
        fx = _fixtures()
        servers = [stack.start_gunicorn(env, work, workers=2) for _ in range(2)]
        a, b = servers[0].port, servers[1].port

        # 1. Log in through A, be logged in through B.
        jar = login(a, "grid", "Bastion-2020!")
        status_b, _, headers_b = stack.call(b, "GET", "/", _cookie_header(jar))
        status_anon, _, _ = stack.call(b, "GET", "/", {})
        results["login_through_a_works_on_b"] = status_b == 200 and status_anon == 302

        # 2. A POST retried through the other server replays the first response.
        auth = {"Authorization": f"Bearer {fx['grid_token']}",
                "Idempotency-Key": str(uuid.uuid4())}  # fmt: skip
        path = f"/api/v1/monitoring/observations/{fx['observation']}/followups"
        note = f"multi-{uuid.uuid4().hex}"
        body = {"temperature": "36.5", "symptoms": [], "note": note}
        first = stack.call(a, "POST", path, auth, body)
        again = stack.call(b, "POST", path, auth, body)
        from bastion.monitoring.models import FollowUp

        results["retry_on_other_server_replays"] = (
            first[0] == again[0] == 201 and first[1] == again[1]
            and again[2].get("idempotent-replay") == "true"
            and FollowUp.objects.filter(note=note).count() == 1
        )  # fmt: skip

        # 3. Jobs queued once run once with two consumers.
        for _ in range(2):
            log = (work / f"worker-{len(workers)}.log").open("ab")
            workers.append(subprocess.Popen([str(stack.BIN / "bastion"), "worker", "-w", "2"],  # noqa: S603
                                            env=env, cwd=stack.ROOT, stdout=log,
                                            stderr=subprocess.STDOUT))  # fmt: skip
        from bastion.access.services import notify

        user = fx["grid_user"]
        user.email = "grid@example.invalid"
        user.save(update_fields=["email"])
        subjects = [f"多机通知{i:02d}-{uuid.uuid4().hex[:4]}" for i in range(NOTIFICATIONS)]
        for subject in subjects:
            notify(recipient=user, title=subject, body="压测")
        while len(sink.subjects) < NOTIFICATIONS and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(5)  # a second delivery would arrive by now
        results["jobs_run_once"] = sorted(sink.subjects) == sorted(subjects)
        results["mails"] = len(sink.subjects)

        # 4. nginx in front: both servers answer, the session holds throughout.
        port = stack.free_port()
        nginx = _start_nginx(work, port, a, b)
        jar = login(port, "grid", "Bastion-2020!")
        upstreams, statuses = set(), set()
        for _ in range(10):
            status, _, headers = stack.call(port, "GET", "/", _cookie_header(jar))
            statuses.add(status)
            upstreams.add(headers.get("x-upstream"))
        results["nginx_both_servers_one_session"] = statuses == {200} and len(upstreams) == 2

        # 5. The replica: lagging, yet the writer sees their write.
        if replica_dir:
            results.update(_replica_proof(port, fx))
    finally:
        if nginx:
            _stop_nginx(nginx)
        for process in workers:
            process.terminate()
            process.wait(20)
        for server in servers:
            server.stop()
        from django.db import connections

        connections.close_all()
        if replica_dir:
            pgreplica.resume()
            pgreplica.stop(replica_dir)
        sink.shutdown()
    results["passed"] = all(v for k, v in results.items() if k != "mails")
    return results


def _replica_proof(port: int, fx: dict) -> dict:
    code = "campaigns_households_visited"
    path = f"/api/v1/indicators/{code}?region={fx['grid_code']}"
    grid = {"Authorization": f"Bearer {fx['grid_token']}"}
    other = {"Authorization": f"Bearer {fx['community_token']}"}

    def value(headers):
        status, parsed, _ = stack.call(port, "GET", path, headers)
        assert status == 200, (status, parsed)
        return parsed["value"]

    assert pgreplica.caught_up()
    before = value(other)
    pgreplica.pause()
    try:
        visit = {"household": fx["households"][0], "outcome": "visited", "people_present": 1}
        status, _, _ = stack.call(port, "POST",
                                  f"/api/v1/campaigns/campaigns/{fx['campaign']}/visits",
                                  {**grid, "Idempotency-Key": str(uuid.uuid4())}, visit)  # fmt: skip
        assert status == 201, status
        time.sleep(1)
        writer_sees = [value(grid) for _ in range(4)]  # through both servers
        other_sees = [value(other) for _ in range(4)]
    finally:
        pgreplica.resume()
    caught = pgreplica.caught_up()
    other_after = value(other)
    return {
        "replica_before": before,
        "writer_sees_own_write_while_replica_lags": all(v == before + 1 for v in writer_sees),
        "others_read_the_lagging_replica": all(v == before for v in other_sees),
        "replica_catches_up": caught and other_after == before + 1,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180, help="upper bound for the run")
    parser.add_argument("--db", default="bastion_reliab_multi")
    parser.add_argument("--no-replica", action="store_true")
    args = parser.parse_args(argv)
    results = run(args)
    print(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    return 0 if results["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
