"""A mail backend a test can watch from another process, and hold before it sends.

The worker under test is given EMAIL_BACKEND=tests.notifications.mailbox.HeldFileBackend and
CASEHUB_TEST_MAILBOX=<directory>. Each message becomes one file there. While a file named
`hold` exists in the directory, sending waits, after touching `holding` to say it got that far.
"""

import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class HeldFileBackend(BaseEmailBackend):
    def send_messages(self, messages):
        directory = Path(os.environ["CASEHUB_TEST_MAILBOX"])
        hold = directory / "hold"
        if hold.exists():
            (directory / "holding").touch()
            while hold.exists():
                time.sleep(0.05)
        for message in messages:
            name = f"{time.time_ns()}-{os.getpid()}.eml"
            (directory / name).write_bytes(message.message().as_bytes())
        return len(messages)


def delivered(directory: Path) -> list[str]:
    return [path.read_text() for path in sorted(directory.glob("*.eml"))]
