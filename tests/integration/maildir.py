#!/usr/bin/python3
"""maildir.py MAILDIR [FIELD] — the messages an SMTP server wrote to a
Maildir, for mail.test: one JSON object per line with the envelope
recipient, the decoded subject, the headers nazar must write, and the text
and HTML parts decoded. Uses only Python's standard library (email)."""
import json
import mailbox
import sys
from email import policy
from email.parser import BytesParser


def main():
    box = mailbox.Maildir(sys.argv[1], create=False)
    rows = []
    for key in box.iterkeys():
        raw = box.get_bytes(key)
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        text = html = None
        for part in msg.walk():
            if part.get_content_type() == "text/plain" and text is None:
                text = part.get_content()
            elif part.get_content_type() == "text/html" and html is None:
                html = part.get_content()
        rows.append({
            "to": msg.get("X-RcptTo", ""),
            "from": str(msg.get("From", "")),
            "envelope_from": msg.get("X-MailFrom", ""),
            "subject": str(msg.get("Subject", "")),
            "message_id": str(msg.get("Message-ID", "")),
            "date": str(msg.get("Date", "")),
            "auto_submitted": str(msg.get("Auto-Submitted", "")),
            "list_unsubscribe": str(msg.get("List-Unsubscribe", "")),
            "list_unsubscribe_post": str(msg.get("List-Unsubscribe-Post", "")),
            "raw_subject_ascii": all(b < 0x80 for b in raw),
            "text": text,
            "html": html,
        })
    rows.sort(key=lambda r: r["message_id"])
    for r in rows:
        print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()
