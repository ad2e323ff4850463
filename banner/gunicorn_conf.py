"""Gunicorn settings for production: gunicorn -c python:banner.gunicorn_conf wsgi:app

Each setting reads the environment first; command-line flags (and GUNICORN_CMD_ARGS)
override this file as usual.
"""
import ipaddress
import logging
import os
import re

from gunicorn.glogging import Logger

from banner.services.privacy import anonymise_ip


def _number(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Threads of one worker share its caches and its group committer (services/batching.py):
# concurrent consent posts of a worker share one commit, banners one rendering.
worker_class = "gthread"
# One per CPU, at most 8 by default: each worker holds its own database pool (and its
# committer's connection), and many workers would exhaust PostgreSQL's connections.
workers = _number("WEB_CONCURRENCY", min(max(2, os.cpu_count() or 1), 8))
threads = _number("GUNICORN_THREADS", 8)
# A worker whose main loop stops checking in this long (hung, not merely busy: requests
# run in its threads) is killed and replaced. Nothing answered is lost by it: a consent
# is answered 201 only once committed (tests/test_worker_crash.py).
timeout = _number("GUNICORN_TIMEOUT", 30)
# On SIGTERM (a deploy), requests in flight get this long to finish; below the 30 s most
# orchestrators wait before they SIGKILL.
graceful_timeout = _number("GUNICORN_GRACEFUL_TIMEOUT", 20)
keepalive = _number("GUNICORN_KEEPALIVE", 5)

# Gunicorn believes X-Forwarded-Proto and its kin only from these peers. Its default is
# loopback, which would let anything on the host claim https; the app believes
# X-Forwarded-For only behind TRUSTED_PROXY_COUNT proxies (ProxyFix), and gunicorn follows
# the same rule: no proxy declared, no forwarded header believed. With proxies declared,
# every connection comes through them, so their headers are believed whatever the address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or (
    "*" if _number("TRUSTED_PROXY_COUNT", 0) > 0 else "")

# Gunicorn 25+ opens a control socket (runtime worker counts, reload, shutdown) under
# $HOME by default, shared by every instance of the user: only where one is asked for.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or None
control_socket_disable = control_socket is None

loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Off unless asked for (the CDN or load balancer logs requests already). %(h)s is the
# client address truncated by PrivateLogger below, never the raw one; the path goes
# without its query string.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

ADDRESS = re.compile(r"[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]*")
# Gunicorn's only error-log line naming a client: "Invalid request from ip=<addr>: <why>".
INVALID_REQUEST = re.compile(r"(?<=^Invalid request from ip=)(.+?)(?=: )")


def truncate(address: str) -> str:
    """An IP address cut to its network (IPv4 /24, IPv6 /48), as consent records keep it."""
    return anonymise_ip(address, "truncate", "", "") or "-"


def _truncate_match(match: re.Match) -> str:
    text = match.group(0)
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return text  # a time, a version number...: not an address
    return truncate(text)


class HideClientAddresses(logging.Filter):
    """Rewrites the client addresses in a record's message to their truncated network."""

    def __init__(self, pattern: re.Pattern = ADDRESS):
        super().__init__()
        self.pattern = pattern

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = self.pattern.sub(_truncate_match, message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True


# One instance each, so setting up again (a reload) does not stack them.
_HIDE_IN_INVALID_REQUEST = HideClientAddresses(INVALID_REQUEST)
_HIDE_EVERY_ADDRESS = HideClientAddresses()


class PrivateLogger(Logger):
    """Gunicorn's logger, minus raw client addresses in the access and error logs."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        # Only the lines about a request: the ones about our own sockets stay exact.
        self.error_log.addFilter(_HIDE_IN_INVALID_REQUEST)
        # Flask-Limiter logs the rate-limit key (the client address) on every refusal.
        logging.getLogger("flask-limiter").addFilter(_HIDE_EVERY_ADDRESS)

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["h"] = truncate(atoms.get("h") or "")
        return atoms


logger_class = PrivateLogger
