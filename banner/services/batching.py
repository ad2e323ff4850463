"""Group commit of consent writes: concurrent requests share a transaction and its commit.

A request thread with a row to write queues it. If no batch is being written, that
thread leads: it takes everything queued (its own row first), writes it in one
transaction, commits once, and wakes each waiting thread with its own outcome. Rows
queued meanwhile wait for the next leader, the first of them, woken by the one before.
A request therefore answers only after its row is durable, while the database pays one
commit (one WAL flush) and the process one round trip per batch instead of per request.
Nobody waits for a batch to fill, so a lone request goes at once; and a leader needs no
other thread to be scheduled (a writer thread of its own cost more in handoffs and GIL
waits than the database round trip it saved).

If a batch fails (a lost connection, a row the database refuses...), every item is
written again in its own transaction, so each request gets the outcome it would have had
alone; once one of those finds the database unreachable, the rest fail with it at once.
CONSENT_GROUP_COMMIT=0 turns all this off (writes in the request's session).
"""
import os
import threading
from collections import deque

from flask import current_app
from sqlalchemy.engine import Connection, Engine

from ..cache import database_unreachable
from ..extensions import db
from .consent_rows import (CONFLICT, FORBIDDEN, REPLAY, WRITTEN, ConsentWrite, write_batch,
                           write_one)

__all__ = ["CONFLICT", "FORBIDDEN", "REPLAY", "WRITTEN", "ConsentWrite", "GroupCommitter",
           "committer", "write_batch", "write_one"]
_lock = threading.Lock()


class _Pending:
    __slots__ = ("item", "done", "outcome", "error", "leads")

    def __init__(self, item):
        self.item = item
        self.done = threading.Event()
        self.outcome = None
        self.error: BaseException | None = None
        self.leads = False  # woken to write the next batch, not with an outcome


class GroupCommitter:
    """Per process: one batch written at a time, on one connection, by a request thread."""

    def __init__(self, engine: Engine, max_batch: int = 200, timeout: float = 30.0):
        self.engine = engine
        self.max_batch = max_batch
        self.timeout = timeout
        self.batches = 0  # committed batches, for tests and curiosity
        self._conn: Connection | None = None
        self._mutex = threading.Lock()  # guards _waiting and _writing
        self._idle = threading.Condition(self._mutex)  # notified when _writing turns False
        self._waiting: deque[_Pending] = deque()
        self._writing = False
        self._pid = os.getpid()

    def submit(self, item: ConsentWrite) -> str:
        """Write item with the next batch: WRITTEN or REPLAY once committed, or raises."""
        pending = _Pending(item)
        with self._mutex:
            self._waiting.append(pending)
            leads = not self._writing
            self._writing = True
        while not leads:
            if not pending.done.wait(self.timeout):
                self._give_up(pending)
                continue  # handed the lead just now: it must be taken
            if not pending.leads:
                break
            pending.done.clear()
            leads = True
        if leads:
            self._lead()
        if pending.error is not None:
            raise pending.error
        return pending.outcome

    def _give_up(self, pending: _Pending) -> None:
        """A wait timed out: leave the queue and raise, unless handed the lead, which a
        thread may not drop (the rows queued behind it would wait forever)."""
        with self._mutex:
            if pending.leads:
                return
            if pending in self._waiting:
                self._waiting.remove(pending)
        # Still queued: nothing was written. In a batch being written: the row may still
        # commit; the client's retry with the same idempotency key then gets it back.
        raise TimeoutError("The database did not commit in time.")

    def queued(self) -> int:
        """Items waiting for a leader (not counting the batch being written)."""
        with self._mutex:
            return len(self._waiting)

    def stop(self) -> None:
        """Close the connection once no batch is being written."""
        with self._idle:
            self._idle.wait_for(lambda: not self._writing)
            self._drop_connection()

    def usable(self) -> bool:
        """False in a forked child: the connection belongs to the parent."""
        return self._pid == os.getpid()

    def _lead(self) -> None:
        """Write what is queued now, then hand the lead to the first row queued since."""
        with self._mutex:
            batch = [self._waiting.popleft()
                     for _ in range(min(self.max_batch, len(self._waiting)))]
        try:
            self._commit(batch)
        except BaseException as exc:  # never leave a thread waiting
            for pending in batch:
                if not pending.done.is_set():
                    pending.error = exc
                    pending.done.set()
        finally:
            with self._mutex:
                if self._waiting:
                    successor = self._waiting[0]
                    successor.leads = True
                    successor.done.set()
                else:
                    self._writing = False
                    self._idle.notify_all()

    def _connection(self) -> Connection:
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._conn = self.engine.connect()
            if self._conn.dialect.name == "postgresql":
                # A batch writes in one statement there (consent_rows.write_batch): alone
                # it is its own transaction, committed and flushed before its result
                # comes back, in one round trip instead of three (BEGIN, statement,
                # COMMIT). The reads before it need no transaction: the statement checks
                # that what they saw still holds.
                self._conn = self._conn.execution_options(isolation_level="AUTOCOMMIT")
        return self._conn

    def _write(self, items: list[ConsentWrite]) -> list[str]:
        conn = self._connection()
        with conn.begin():  # no round trip on the autocommit connection
            return write_batch(conn, items)

    def _drop_connection(self) -> None:
        """After a failure the connection may be broken: the next write takes a fresh one."""
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:
                pass
            self._conn = None

    def _commit(self, batch: list[_Pending]) -> None:
        try:
            outcomes = self._write([pending.item for pending in batch])
        except Exception:
            self._drop_connection()
            down = None
            for pending in batch:
                if down is not None:
                    # The database is unreachable: the others would each wait on a
                    # connection attempt of their own only to fail the same way.
                    pending.error = down
                    pending.done.set()
                    continue
                self._commit_one(pending)
                if pending.error is not None and database_unreachable(pending.error):
                    down = pending.error
            return
        self.batches += 1
        for pending, outcome in zip(batch, outcomes):
            pending.outcome = outcome
            pending.done.set()

    def _commit_one(self, pending: _Pending) -> None:
        try:
            pending.outcome = self._write([pending.item])[0]
        except Exception as exc:  # the request turns it into its error response
            self._drop_connection()
            pending.error = exc
        pending.done.set()


def committer() -> GroupCommitter | None:
    """The current app's committer in this process; None when group commit is off."""
    app = current_app._get_current_object()
    if not app.config.get("CONSENT_GROUP_COMMIT"):
        return None
    found = app.extensions.get("consent_group_commit")
    if found is not None and found.usable():
        return found
    with _lock:
        found = app.extensions.get("consent_group_commit")
        if found is None or not found.usable():
            engine = db.engine
            if engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"):
                return None  # one shared in-memory connection: nothing to group
            found = GroupCommitter(engine, max_batch=app.config["CONSENT_BATCH_MAX"])
            app.extensions["consent_group_commit"] = found
    return found
