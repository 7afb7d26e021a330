"""A second, independent implementation of the API document, for cross-checks.

Written from tests' side only, sharing no code with ``tests/emulator`` (nor with
the collection), on the standard library's HTTP server. Where the document is
silent it takes readings other than the emulator's default where another is
plausible, so a module that only works against one implementation shows up:

* PATCH **replaces** the context when one is sent, and answers 200 with an
  empty ``data`` list;
* POST answers 201 with the created trigger, context values kept as sent;
* DELETE answers 200 with an empty body; a second DELETE is 404;
* lists are paged 3 at a time, with ``nextToken`` read back from ``pageToken``;
* a duplicate key is 409 with a generic error (the document's "future change").
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PAGE = 3
URL_KEY = re.compile(r"cpi_(?:[a-z0-9]+_)?mostback_url")


def envelope(data, next_token=None, errors=()):
    return {
        "success": not errors,
        "meta": None,
        "nextToken": next_token,
        "previousToken": None,
        "errors": list(errors),
        "warnings": [],
        "messages": [],
        "data": data,
    }


class ReferenceApi:
    """State: apps -> templates, triggers by id; one lock for every request."""

    def __init__(self, key, templates, apps):
        self.key = key
        self.templates = {t["id"]: t for t in templates}
        self.apps = {int(app): list(ids) for app, ids in apps.items()}
        self.triggers = {}
        self.ids = itertools.count(900001)
        self.lock = threading.Lock()
        self.writes = []
        self.server = None

    # -- lifecycle --------------------------------------------------------------
    def __enter__(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self.answer(*api.handle("GET", self.path, self.headers, None))

            def do_POST(self):
                self.answer(*api.handle("POST", self.path, self.headers, self.body()))

            def do_PATCH(self):
                self.answer(*api.handle("PATCH", self.path, self.headers, self.body()))

            def do_DELETE(self):
                self.answer(*api.handle("DELETE", self.path, self.headers, None))

            def body(self):
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def answer(self, status, payload):
                raw = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def app_triggers(self, app_id):
        return [dict(t) for t in self.triggers.values() if t["app_id"] == app_id]

    # -- requests -----------------------------------------------------------------
    def handle(self, method, target, headers, raw):
        with self.lock:
            if headers.get("Authentication-Key") != self.key:
                return 401, envelope([], errors=["The Authentication Key sent with the request is invalid."])
            parts = urlsplit(target)
            query = parse_qs(parts.query)
            path = parts.path
            if method in ("POST", "PATCH", "DELETE"):
                self.writes.append((method, path))
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                return 400, envelope([], errors=["The request data has malformed syntax."])
            match = re.fullmatch(r"/apps/(\d+)/postbacks(?:/(templates|incomplete|\d+))?", path)
            if method == "GET" and match:
                return self.read(int(match.group(1)), match.group(2), (query.get("pageToken") or [None])[0])
            if method == "POST" and path == "/postbacks":
                return self.create(body)
            match = re.fullmatch(r"/postbacks/(\d+)", path)
            if match and method in ("PATCH", "DELETE"):
                return self.change(method, int(match.group(1)), body)
            return 404, envelope([], errors=["The requested resource/entity was not found."])

    def read(self, app_id, what, token):
        if app_id not in self.apps:
            return 403, envelope([], errors=["The Authentication Key is not authorized to access the requested resource."])
        if what in ("templates", "incomplete"):
            return 200, envelope([self.templates[i] for i in self.apps[app_id]] if what == "templates" else [])
        if what is not None:
            found = self.triggers.get(int(what))
            if found is None or found["app_id"] != app_id:
                return 404, envelope([], errors=["The requested resource/entity was not found."])
            return 200, envelope([dict(found)])
        items = sorted(self.app_triggers(app_id), key=lambda t: t["id"])
        start = int(token) if token else 0
        end = start + PAGE
        return 200, envelope(items[start:end], str(end) if end < len(items) else None)

    def create(self, body):
        if not isinstance(body, dict) or not isinstance(body.get("context"), dict) or body.get("type") not in ("install", "event", "click"):
            return 400, envelope([], errors=["The request data has malformed syntax."])
        app_id, template_id = body.get("app_id"), body.get("template_id")
        if app_id not in self.apps or template_id not in self.apps[app_id] or not body.get("title"):
            return 400, envelope([], errors=["The request data has malformed syntax."])
        if not any(URL_KEY.fullmatch(k) and v for k, v in body["context"].items()):
            return 400, envelope([], errors=["Destination URL is required in context."])
        filter_str = body.get("filter_str") or ""
        for other in self.app_triggers(app_id):
            if (other["template_id"], other["type"], other.get("filter_str") or "") == (template_id, body["type"], filter_str):
                return 409, envelope([], errors=["Duplicate post-back."])
        trigger = {
            "id": next(self.ids),
            "app_id": app_id,
            "type": body["type"],
            "title": body["title"],
            "template_id": template_id,
            "active": bool(body.get("active", False)),
            "date_created": 1394048564,
            "context": dict(body["context"]),
        }
        if body["type"] == "event":
            trigger["filter_str"] = filter_str
        self.triggers[trigger["id"]] = trigger
        return 201, envelope([dict(trigger)])

    def change(self, method, trigger_id, body):
        trigger = self.triggers.get(trigger_id)
        if trigger is None:
            return 404, envelope([], errors=["The requested resource/entity was not found."])
        if method == "DELETE":
            del self.triggers[trigger_id]
            return 200, None
        if not isinstance(body, dict):
            return 400, envelope([], errors=["The request data has malformed syntax."])
        for field in ("title", "active"):
            if field in body:
                trigger[field] = body[field]
        if isinstance(body.get("context"), dict):
            trigger["context"] = dict(body["context"])  # this reading: PATCH replaces the context
        return 200, envelope([])
