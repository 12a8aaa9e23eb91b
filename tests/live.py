"""Real concurrency against pytest-django's live server: many threads, each its own HTTP
connection and (in the server) its own database connection.

The live server answers at most `workers` requests at a time (as gunicorn's sync workers
would), so a test never needs more PostgreSQL connections than the shared server allows;
the rest wait in the listen queue. Used by the race tests of every app.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from contextlib import contextmanager
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

SERVER_WORKERS = 24
CSRF = "c" * 32


@contextmanager
def bounded(live_server, workers: int = SERVER_WORKERS):
    """Let the live server handle at most `workers` requests at once; report the peak."""
    httpd = live_server.thread.httpd
    slots = threading.BoundedSemaphore(workers)
    state = {"now": 0, "peak": 0}
    lock = threading.Lock()
    original = httpd.process_request_thread

    def process_request_thread(request, client_address):
        with slots:
            with lock:
                state["now"] += 1
                state["peak"] = max(state["peak"], state["now"])
            try:
                original(request, client_address)
            finally:
                with lock:
                    state["now"] -= 1

    httpd.process_request_thread = process_request_thread
    httpd.socket.listen(1024)
    try:
        yield state
    finally:
        del httpd.process_request_thread


def session_for(user) -> str:
    """A logged-in session for `user` stored in the session backend; returns its key."""
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["bastion_last_seen"] = int(time.time())
    session.create()
    return session.session_key


def session_headers(session_key: str) -> dict:
    return {"Cookie": f"sessionid={session_key}; csrftoken={CSRF}", "X-CSRFToken": CSRF}


def bearer_headers(user) -> dict:
    from bastion.access.services import api_token_create

    _token, raw = api_token_create(actor=user, user=user, name="race")
    return {"Authorization": f"Bearer {raw}"}


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """Encode form fields and {name: (filename, content_type, bytes)} as multipart."""
    boundary = "bastion-" + uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())  # fmt: skip
    for name, (filename, content_type, content) in files.items():
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n')  # fmt: skip
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def request(base: str, method: str, path: str, headers: dict, body=None, *, form=None, files=None):
    """One HTTP request; returns (status, parsed JSON or {}, response headers).

    `body` goes as JSON; `form` as a urlencoded form, or multipart with `files`."""
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    headers = dict(headers)
    payload = None
    if files:
        payload, headers["Content-Type"] = multipart(form or {}, files)
    elif form is not None:
        from urllib.parse import urlencode

        payload = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        try:
            parsed = json.loads(raw or b"{}")
        except ValueError:
            parsed = {"raw": raw[:200].decode(errors="replace")}
        return response.status, parsed, dict(response.getheaders())
    finally:
        conn.close()


def post(base: str, path: str, session_key: str, body: dict) -> tuple[int, dict]:
    status, parsed, _headers = request(base, "POST", path, session_headers(session_key), body)
    return status, parsed


def fire(call, jobs: list[tuple]) -> list:
    """Run call(*job) for every job, each from its own thread, all released at once."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i: int, job: tuple):
        barrier.wait()
        try:
            results[i] = call(*job)
        except Exception as exc:  # noqa: BLE001 - reported by the caller's assertions
            results[i] = (0, {"error": repr(exc)}, {})

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
