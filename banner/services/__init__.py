"""Business rules. Functions take plain arguments and never touch the request."""
