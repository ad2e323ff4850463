"""A TCP proxy in threads between the app and its database, that a test can cut."""
import socket
import threading

import sqlalchemy as sa


class TcpProxy:
    """127.0.0.1:port -> target, in threads. cut() drops every connection and closes new
    ones as soon as they are accepted (a database gone); restore() lets them through."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._up = True
        self._open: set[tuple[socket.socket, socket.socket]] = set()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, database_url: str) -> str:
        """database_url with its host and port replaced by this proxy's."""
        parsed = sa.engine.make_url(database_url)
        return parsed.set(host="127.0.0.1", port=self.port).render_as_string(
            hide_password=False)

    def cut(self) -> None:
        with self._lock:
            self._up = False
            pairs, self._open = self._open, set()
        for pair in pairs:
            self._close(pair)

    def restore(self) -> None:
        with self._lock:
            self._up = True

    def close(self) -> None:
        self.cut()
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            try:
                upstream = socket.create_connection(self.target) if self._up else None
            except OSError:
                upstream = None
            pair = (client, upstream)
            with self._lock:
                kept = self._up and upstream is not None
                if kept:
                    self._open.add(pair)
            if not kept:
                self._close(pair)
                continue
            for source, sink in (pair, pair[::-1]):
                threading.Thread(target=self._pump, args=(source, sink, pair),
                                 daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, pair) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        with self._lock:
            self._open.discard(pair)
        self._close(pair)

    @staticmethod
    def _close(pair) -> None:
        for sock in pair:
            if sock is None:
                continue
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
