"""HTTP traffic for the reliability tests: single requests from the storefront's side,
and a load of banner GETs and consent POSTs that keeps every outcome."""
import http.client
import json
import threading
import uuid
from dataclasses import dataclass

ORIGIN = "https://store.example"
SITE_KEY = "test-store"


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


def request(port: int, method: str, path: str, body: dict | None = None,
            headers: dict | None = None, timeout: float = 10) -> Answer:
    """One request on a connection of its own; OSError when the connection breaks."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body) if body is not None else None
        conn.request(method, path, data, headers or {})
        response = conn.getresponse()
        return Answer(response.status, dict(response.getheaders()), response.read())
    except http.client.HTTPException as exc:
        raise ConnectionError(str(exc)) from exc
    finally:
        conn.close()


def consent_body() -> dict:
    """What the snippet posts for an accept-all, with a fresh visitor and key."""
    return {"visitor_id": str(uuid.uuid4()), "version": 1, "action": "accept_all",
            "choices": {"necessary": True, "functional": True, "analytics": True,
                        "advertising": True},
            "language": "ar", "source": "banner", "idempotency_key": uuid.uuid4().hex}


def post_consent(port: int, body: dict) -> Answer:
    return request(port, "POST", f"/v1/sites/{SITE_KEY}/consents", body,
                   {"Content-Type": "text/plain", "Origin": ORIGIN})


def get_banner(port: int, query: str = "lang=ar") -> Answer:
    return request(port, "GET", f"/v1/sites/{SITE_KEY}/banner?{query}")


@dataclass
class Outcome:
    phase: str  # what the test was doing when the request was sent
    kind: str  # "banner" or "consent"
    body: dict | None  # the consent posted
    answer: Answer | None  # None: the connection broke before an answer

    @property
    def key(self) -> str | None:
        return self.body["idempotency_key"] if self.body else None


class Load:
    """Threads sending banner GETs and consent POSTs in turn until the block ends; every
    outcome is kept with the phase the test had set when the request left."""

    def __init__(self, port: int, kinds: tuple[str, ...] = ("banner", "consent"),
                 threads: int = 4):
        self.port, self.kinds, self.phase = port, kinds, "before"
        self.results: list[Outcome] = []
        self._answered = threading.Condition()  # notified on every outcome kept
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True)
                         for n in range(threads)]

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _run(self, n: int) -> None:
        turn = n
        while not self._stop.is_set():
            kind, phase = self.kinds[turn % len(self.kinds)], self.phase
            body = consent_body() if kind == "consent" else None
            turn += 1
            try:
                answer = post_consent(self.port, body) if body else get_banner(self.port)
            except OSError:
                answer = None
            with self._answered:
                self.results.append(Outcome(phase, kind, body, answer))
                self._answered.notify_all()

    def wait_until(self, condition, what: str, timeout: float = 20.0) -> None:
        """Blocks until condition() holds, checked on every outcome (the event that can
        change it); fails after timeout seconds."""
        with self._answered:
            if not self._answered.wait_for(condition, timeout):
                raise AssertionError(f"timed out after {timeout} s waiting for {what}")

    def outcomes(self, kind: str | None = None, phase: str | None = None) -> list[Outcome]:
        return [o for o in list(self.results)
                if kind in (None, o.kind) and phase in (None, o.phase)]

    def count(self, kind: str, phase: str, status: int) -> int:
        return sum(1 for o in self.outcomes(kind, phase)
                   if o.answer is not None and o.answer.status == status)
