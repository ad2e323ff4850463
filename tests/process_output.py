"""A subprocess's output read line by line as it comes: copied to a log file, and each
line wakes whoever waits for one (tests wait on the line itself, never on a polling
interval, so a line written between two polls cannot be missed or waited for late)."""
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO


class OutputLines:
    """Lines of pipe, kept and copied to log by a thread of their own until the pipe ends
    (the process exited)."""

    def __init__(self, pipe: IO[str], log: Path):
        self.lines: list[str] = []
        self.ended = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._copy, args=(pipe, log), daemon=True)
        self._thread.start()

    def _copy(self, pipe: IO[str], log: Path) -> None:
        with pipe, open(log, "w") as out:
            for line in pipe:
                out.write(line)
                out.flush()  # in the file before anyone is told of it
                with self._changed:
                    self.lines.append(line)
                    self._changed.notify_all()
        with self._changed:
            self.ended = True
            self._changed.notify_all()

    def wait_for(self, found: Callable[[list[str]], object], what: str,
                 timeout: float = 30.0):
        """Blocks until found(lines) is truthy (returned); fails if it is not within
        timeout seconds or before the output ends."""
        result = None

        def settled() -> bool:
            nonlocal result
            result = found(self.lines)
            return bool(result) or self.ended

        with self._changed:
            if not self._changed.wait_for(settled, timeout):
                raise AssertionError(f"timed out after {timeout} s waiting for {what}:\n"
                                     + self.tail())
            if not result:
                raise AssertionError(f"the process ended before {what}:\n" + self.tail())
            return result

    def wait_for_line(self, pattern: str, what: str, after: int = 0,
                      timeout: float = 30.0) -> tuple[int, re.Match]:
        """The first line from index `after` on matching pattern: (its index, the match)."""
        def first(lines: list[str]):
            for index in range(after, len(lines)):
                if match := re.search(pattern, lines[index]):
                    return index, match
            return None
        return self.wait_for(first, what, timeout)

    def tail(self, characters: int = 3000) -> str:
        return "".join(self.lines)[-characters:]

    def join(self, timeout: float = 10.0) -> None:
        """Waits for the copy to finish (the process has exited and its pipe is drained)."""
        self._thread.join(timeout)
