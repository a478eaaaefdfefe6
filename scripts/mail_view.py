"""Look at .eml files as a mail client shows them: headers decoded, the HTML part (else the
text), the attachments named. Writes <name>.view.html and <name>.png beside each file, with
Debian's chromium (installed by `make test`).

    .venv/bin/python scripts/mail_view.py data/outbox/mail/2026-12-06/*.eml
"""

from __future__ import annotations

import email
import html
import sys
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from playwright.sync_api import sync_playwright

STYLE = """
body { margin: 0; font-family: 'DejaVu Sans', sans-serif; background: #eef1f5 }
.headers { background: #fff; border-bottom: 1px solid #ccd; padding: 12px 18px }
.headers th { text-align: right; color: #667; font-weight: normal; padding: 2px 10px 2px 0;
  vertical-align: top }
.attachment { display: inline-block; background: #eef; border: 1px solid #ccd;
  border-radius: 4px; padding: 3px 8px; margin: 8px 8px 0 0; font-size: 13px }
iframe { width: 100%; height: 1500px; border: 0; background: #fff }
"""
HEADERS = ("From", "To", "Subject", "Date", "In-Reply-To")


def view(eml: Path) -> str:
    """The page: the decoded headers, the attachments, the body in a frame of its own."""
    message = email.message_from_bytes(eml.read_bytes(), policy=default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(("html", "plain"))
    content = body.get_content() if body is not None else ""
    if body is not None and body.get_content_type() == "text/plain":
        content = f"<pre style='white-space: pre-wrap'>{html.escape(content)}</pre>"
    attachments = "".join(
        f"<span class='attachment'>Attachment: {html.escape(part.get_filename() or '?')} · "
        f"{len(part.get_content()) // 1024 + 1} KB</span>"
        for part in message.iter_attachments()
    )
    rows = "".join(
        f"<tr><th>{name}</th><td>{html.escape(str(message[name]))}</td></tr>"
        for name in HEADERS
        if message[name]
    )
    return (
        f"<!doctype html><meta charset='utf-8'><style>{STYLE}</style>"
        f"<div class='headers'><table>{rows}</table>{attachments}</div>"
        f'<iframe srcdoc="{html.escape(content, quote=True)}"></iframe>'
    )


def main(paths: list[str]) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1000, "height": 1100})
        for name in paths:
            eml = Path(name)
            target = eml.with_suffix(".view.html")
            target.write_text(view(eml), encoding="utf-8")
            page.goto(target.as_uri())
            page.wait_for_timeout(300)
            page.screenshot(path=str(eml.with_suffix(".png")))
            sys.stdout.write(f"{eml} → {eml.with_suffix('.png')}\n")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
