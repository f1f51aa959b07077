"""Mail compared with the snapshot files beside its tests. ``UPDATE_SNAPSHOTS=1 pytest …``
rewrites the files from what the code writes now; review the diff before committing it."""

import os
from pathlib import Path

from crm.mail.models import OutboxMessage


def matches_snapshot(path: Path, text: str) -> bool:
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.write_text(text)
    return path.read_text() == text


def assert_mail_matches_snapshots(
    message: OutboxMessage, folder: Path, name: str, replacements: dict[str, str] | None = None
) -> None:
    """Subject, text and HTML of ``message`` against ``<name>.subject|txt|html``, after each
    value that differs from run to run (a link's token) is replaced by its name."""

    def normalised(text: str) -> str:
        for value, placeholder in (replacements or {}).items():
            text = text.replace(value, placeholder)
        return text

    parts = {
        "subject": message.subject + "\n",
        "txt": message.text_body,
        "html": message.html_body or "",
    }
    differing = [
        f"{name}.{part}"
        for part, text in parts.items()
        if not matches_snapshot(folder / f"{name}.{part}", normalised(text))
    ]
    assert not differing, f"the mail differs from its snapshots: {differing}"
