#!/usr/bin/env python3
"""webhook-receiver.py PORT LOG MODE-FILE — a webhook receiver on
127.0.0.1:PORT for webhook.test. Each request is appended to LOG as one
JSON line (method, path, headers, body). The answer is read from MODE-FILE
at each request: "200", "500", or "302" (a redirect to /landed, which a
sender must not follow)."""
import http.server
import json
import sys

port, log, mode_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]


class Handler(http.server.BaseHTTPRequestHandler):
    def handle_one(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(n, 1 << 20)).decode("utf-8", "replace")
        with open(log, "a", encoding="utf-8") as f:
            f.write(json.dumps({"method": self.command, "path": self.path,
                                "headers": {k.lower(): v for k, v in self.headers.items()},
                                "body": body}, ensure_ascii=False) + "\n")
        try:
            with open(mode_file, encoding="ascii") as f:
                mode = f.read().strip()
        except OSError:
            mode = "200"
        if mode == "302":
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:%d/landed" % port)
        else:
            self.send_response(int(mode))
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = handle_one
    do_GET = handle_one

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
