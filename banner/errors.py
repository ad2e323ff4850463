"""Domain errors: what a business rule refuses, in plain terms.

Services raise these and know nothing of HTTP. Each face maps them to its own answer:
the API to the one JSON error shape (api/errors.py), the CLI to a message and an exit
code (cli.py), the dashboard to a page or a form error.
"""


class DomainError(Exception):
    """A refusal with a message and, optionally, errors per field path."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(DomainError):
    """The thing does not exist, or belongs to someone else (the same answer on purpose)."""


class Invalid(DomainError):
    """The input breaks a rule; errors says which field and why."""


class Conflict(DomainError):
    """The input is valid but clashes with the current state (taken key, nothing to publish)."""


class Forbidden(DomainError):
    """The caller is known but may not do this."""


class Unauthenticated(DomainError):
    """The caller could not be identified (no key, a wrong one, a revoked one)."""


class Throttled(DomainError):
    """Too many attempts: try again after retry_after seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
