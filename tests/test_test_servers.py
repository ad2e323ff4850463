"""The test servers themselves: a browser that drops a connection must not leave a response
open (an unclosed file fails whichever test happens to be running)."""
import socket
import struct
import threading
from urllib.parse import urlsplit

from tests.servers import wsgi_thread


class Body:
    """A response body that says when it is closed, as Flask's file wrapper closes its file."""

    def __init__(self):
        self.closed = threading.Event()

    def __iter__(self):
        yield b"done"

    def close(self):
        self.closed.set()


def test_a_connection_reset_by_the_client_still_closes_the_response():
    body = Body()

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return body

    with wsgi_thread(app) as base:
        address = urlsplit(base)
        client = socket.create_connection((address.hostname, address.port))
        # A body the app leaves unread: after answering, the server drains the request.
        client.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345")
        assert client.recv(4096).startswith(b"HTTP/1.1 200")
        # SO_LINGER 0: close() sends a reset, as a browser cancelling a load does; the drain
        # is still waiting for the rest of the body.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
        assert body.closed.wait(10), "the server left the response open"
