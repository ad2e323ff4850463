"""Group commit of consent writes: concurrent requests share a transaction and its commit.

Request threads hand their rows to the process's committer and block; one writer
thread takes everything queued, writes it in one transaction and commits once, then
wakes each waiting thread with its own outcome. A request therefore answers only after
its row is durable, while the database pays one commit (one WAL flush) and the process
one round trip per batch instead of per request. Nobody waits for a batch to fill: the
writer takes what arrived while the previous commit ran, so a lone request goes at once.

If a batch fails (a unique violation, a lost connection...), it is rolled back and every
item is written again in its own transaction, so each request gets the outcome it would
have had alone. CONSENT_GROUP_COMMIT=0 turns all this off (writes in the request).
"""
import os
import queue
import threading

from flask import current_app
from sqlalchemy.engine import Connection, Engine

from ..extensions import db
from .consent_rows import REPLAY, WRITTEN, ConsentWrite, write_batch, write_one

__all__ = ["REPLAY", "WRITTEN", "ConsentWrite", "GroupCommitter", "committer", "write_batch",
           "write_one"]
_lock = threading.Lock()


class _Pending:
    __slots__ = ("item", "done", "outcome", "error")

    def __init__(self, item):
        self.item = item
        self.done = threading.Event()
        self.outcome = None
        self.error: BaseException | None = None


class GroupCommitter:
    """One writer thread (and one connection) per process committing what threads submit."""

    def __init__(self, engine: Engine, max_batch: int = 200, timeout: float = 30.0):
        self.engine = engine
        self.max_batch = max_batch
        self.timeout = timeout
        self.batches = 0  # committed batches, for tests and curiosity
        self._conn: Connection | None = None
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._pid = os.getpid()
        self._writer = threading.Thread(target=self._run, name="group-commit", daemon=True)
        self._writer.start()

    def submit(self, item: ConsentWrite) -> str:
        """Write item with the next batch: WRITTEN or REPLAY once committed, or raises."""
        pending = _Pending(item)
        self._queue.put(pending)
        if not pending.done.wait(self.timeout):
            raise TimeoutError("The database did not commit in time.")
        if pending.error is not None:
            raise pending.error
        return pending.outcome

    def queued(self) -> int:
        """Items waiting for the writer (not counting the batch being written)."""
        return self._queue.qsize()

    def stop(self) -> None:
        """Finish what is queued, then end the writer thread and close its connection."""
        self._queue.put(None)
        self._writer.join()

    def usable(self) -> bool:
        """False in a forked child, where the writer thread does not exist."""
        return self._pid == os.getpid() and self._writer.is_alive()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch = [self._queue.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            if None in batch:  # stop() was called
                stopping = True
                batch = [pending for pending in batch if pending is not None]
                if not batch:
                    break
            try:
                self._commit(batch)
            except BaseException as exc:  # never leave a thread waiting, never die
                for pending in batch:
                    if not pending.done.is_set():
                        pending.error = exc
                        pending.done.set()
        self._drop_connection()

    def _connection(self) -> Connection:
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._conn = self.engine.connect()
        return self._conn

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
            conn = self._connection()
            with conn.begin():
                outcomes = write_batch(conn, [pending.item for pending in batch])
        except Exception:
            self._drop_connection()
            for pending in batch:
                self._commit_one(pending)
            return
        self.batches += 1
        for pending, outcome in zip(batch, outcomes):
            pending.outcome = outcome
            pending.done.set()

    def _commit_one(self, pending: _Pending) -> None:
        try:
            conn = self._connection()
            with conn.begin():
                pending.outcome = write_one(conn, pending.item)
        except Exception as exc:  # IntegrityError for a replayed key: the request decides
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
