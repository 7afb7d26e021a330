"""The Flask application: the Publisher API postback endpoints and ``/_emulator/``.

API answers always use the documented envelope (``success``, ``meta``,
``nextToken``, ``previousToken``, ``errors``, ``warnings``, ``messages``,
``data``), errors included, except ``DELETE /postbacks/{id}`` under the harsh
profile, which answers 200 with an empty body as documented. What the
document leaves open (POST status, PATCH and DELETE answers, the trigger's
shape) is decided by the current profile (``state.profile``).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from .errors import ApiError, DuplicateTriggerError
from .state import parse_int, render_template, render_trigger

if TYPE_CHECKING:  # pragma: no cover
    from .server import Emulator

#: Header carrying the API key.
KEY_HEADER = "Authentication-Key"
#: environ key through which a view tells the request log which app it was about.
ENV_APP_ID = "kochava_emulator.app_id"

_logger = logging.getLogger("kochava_emulator")


def envelope(data: list | None = None, *, errors: list[str] | None = None, next_token: str | None = None, previous_token: str | None = None) -> dict:
    """The documented answer envelope; ``success`` is false when errors are given."""
    return {
        "success": not errors,
        "meta": None,
        "nextToken": next_token,
        "previousToken": previous_token,
        "errors": list(errors or []),
        "warnings": [],
        "messages": [],
        "data": list(data or []),
    }


def json_response(payload: Any, status: int = 200) -> Response:
    """Serialise ``payload`` as JSON (keys in insertion order)."""
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def _json_body() -> Any:
    """The request body parsed as JSON; ApiError 400 if it is not JSON."""
    if request.mimetype != "application/json":
        raise ApiError(400, ["Content-Type must be application/json"])
    raw = request.get_data(cache=True)
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, ["The request body is not valid JSON"]) from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class ControlError(Exception):
    """A bad control-API request (answered 400 with ``{"error": ...}``)."""


def create_app(emulator: Emulator) -> Flask:
    """Build the Flask app serving ``emulator``'s state."""
    app = Flask("kochava_emulator")
    app.url_map.merge_slashes = False  # no redirects, ever
    app.url_map.redirect_defaults = False
    state = emulator.state

    def key() -> str | None:
        return request.headers.get(KEY_HEADER) or None

    def note_app(app_id: int | None) -> None:
        request.environ[ENV_APP_ID] = app_id

    def paged(listing_items: list, render) -> Response:
        token = request.args.get("pageToken")
        chunk, next_token, previous_token = state.tokens.page(request.path, listing_items, token, emulator.page_size)
        return json_response(envelope([render(item) for item in chunk], next_token=next_token, previous_token=previous_token))

    def trigger_answer(trigger: dict) -> dict:
        return render_trigger(trigger, emulator.numbers_as_strings, state.profile)

    def template_answer(template: dict) -> dict:
        return render_template(template, emulator.numbers_as_strings)

    # -- errors ----------------------------------------------------------------
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        if isinstance(exc, DuplicateTriggerError) and exc.status != emulator.duplicate_status:
            exc = DuplicateTriggerError(exc.existing_id, emulator.duplicate_status)
        return json_response(envelope(errors=exc.errors), exc.status)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        if exc.code == 404:
            message = f"The requested resource/entity was not found: {request.path}"
        else:
            message = f"{exc.code} {exc.name}"
        response = json_response(envelope(errors=[message]), exc.code or 500)
        if exc.code == 405 and getattr(exc, "valid_methods", None):
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        _logger.exception("emulator bug while handling %s %s", request.method, request.path)
        return json_response(envelope(errors=["An unexpected server side condition occurred"]), 500)

    # -- the API ---------------------------------------------------------------
    @app.get("/apps/<int:app_id>/postbacks/templates")
    def list_templates(app_id: int) -> Response:
        note_app(app_id)
        with state.lock:
            state.authorize(key(), app_id)
            return paged(state.app_templates(app_id), template_answer)

    @app.get("/apps/<int:app_id>/postbacks")
    def list_triggers(app_id: int) -> Response:
        note_app(app_id)
        with state.lock:
            state.authorize(key(), app_id)
            return paged(state.app_triggers(app_id), trigger_answer)

    @app.get("/apps/<int:app_id>/postbacks/incomplete")
    def list_incomplete(app_id: int) -> Response:
        note_app(app_id)
        with state.lock:
            state.authorize(key(), app_id)
            return paged(state.incomplete_templates(app_id), template_answer)

    @app.get("/apps/<int:app_id>/postbacks/<int:trigger_id>")
    def get_trigger(app_id: int, trigger_id: int) -> Response:
        note_app(app_id)
        with state.lock:
            state.authorize(key(), app_id)
            trigger = state.get_trigger(trigger_id)
            if trigger is None or trigger["app_id"] != app_id:
                raise ApiError(404, [f"Postback trigger {trigger_id} was not found"])
            return json_response(envelope([trigger_answer(trigger)]))

    @app.post("/postbacks")
    def create_trigger() -> Response:
        with state.lock:
            state.authorize(key(), None)
            body = _json_body()
            app_id = parse_int(body.get("app_id")) if isinstance(body, dict) else None
            note_app(app_id)
            if app_id is not None:
                state.authorize(key(), app_id)
            trigger = state.create_trigger(body, duplicate_status=emulator.duplicate_status)
            return json_response(envelope([trigger_answer(trigger)]), state.profile.post_status)

    def _owned_trigger(trigger_id: int) -> dict:
        state.authorize(key(), None)
        trigger = state.get_trigger(trigger_id)
        if trigger is None:
            raise ApiError(404, [f"Postback trigger {trigger_id} was not found"])
        note_app(trigger["app_id"])
        state.authorize(key(), trigger["app_id"])
        return trigger

    @app.patch("/postbacks/<int:trigger_id>")
    def update_trigger(trigger_id: int) -> Response:
        with state.lock:
            _owned_trigger(trigger_id)
            trigger = state.update_trigger(trigger_id, _json_body())
            return json_response(envelope([trigger_answer(trigger)] if state.profile.patch_answers_trigger else []))

    @app.delete("/postbacks/<int:trigger_id>")
    def delete_trigger(trigger_id: int) -> Response:
        with state.lock:
            _owned_trigger(trigger_id)
            state.delete_trigger(trigger_id)
            if state.profile.delete_answers_envelope:
                return json_response(envelope([]))
            response = Response(b"", status=200)
            del response.headers["Content-Type"]  # documented: "HTTP/1.1 200 OK", nothing else
            return response

    # -- control API (no key, not logged) ---------------------------------------------
    def control_body() -> dict:
        raw = request.get_data(cache=True)
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise ControlError("body is not valid JSON") from None
        if not isinstance(body, dict):
            raise ControlError("body must be a JSON object")
        return body

    @app.errorhandler(ControlError)
    def _control_error(exc: ControlError) -> Response:
        return json_response({"error": str(exc)}, 400)

    @app.get("/_emulator/state")
    def control_state() -> Response:
        snapshot = emulator.state.snapshot()
        snapshot["config"] = emulator.config()
        return json_response(snapshot)

    @app.get("/_emulator/log")
    def control_log() -> Response:
        return json_response({"log": emulator.log})

    @app.delete("/_emulator/log")
    def control_clear_log() -> Response:
        emulator.clear_log()
        return json_response({"ok": True})

    @app.post("/_emulator/reset")
    def control_reset() -> Response:
        body = control_body()
        try:
            emulator.reset(seed=body.get("seed"))
        except ApiError as exc:
            raise ControlError(f"bad seed: {'; '.join(exc.errors)}") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise ControlError(f"bad seed: {exc}") from None
        return json_response({"ok": True})

    @app.get("/_emulator/faults")
    def control_faults() -> Response:
        return json_response({"faults": emulator.faults()})

    @app.post("/_emulator/faults")
    def control_add_fault() -> Response:
        body = control_body()
        try:
            fault = emulator.inject(**body)
        except (TypeError, ValueError) as exc:
            raise ControlError(str(exc)) from None
        return json_response({"ok": True, "fault": fault.describe()}, 201)

    @app.delete("/_emulator/faults")
    def control_clear_faults() -> Response:
        emulator.clear_faults()
        return json_response({"ok": True})

    @app.get("/_emulator/chaos")
    def control_chaos() -> Response:
        return json_response({"chaos": emulator.chaos_config()})

    @app.post("/_emulator/chaos")
    def control_set_chaos() -> Response:
        body = control_body()
        try:
            setting = emulator.chaos(**body)
        except (TypeError, ValueError) as exc:
            raise ControlError(str(exc)) from None
        return json_response({"chaos": setting})

    @app.get("/_emulator/config")
    def control_config() -> Response:
        return json_response(emulator.config())

    @app.post("/_emulator/config")
    def control_set_config() -> Response:
        body = control_body()
        try:
            emulator.configure(**body)
        except (TypeError, ValueError) as exc:
            raise ControlError(str(exc)) from None
        return json_response(emulator.config())

    @app.get("/_emulator/rate")
    def control_rate() -> Response:
        return json_response(emulator.rate_config())

    @app.post("/_emulator/rate")
    def control_set_rate() -> Response:
        body = control_body()
        unknown = sorted(set(body) - {"rate", "burst"})
        if unknown:
            raise ControlError(f"unknown fields: {', '.join(unknown)} (give rate and burst)")
        try:
            return json_response(emulator.rate_limit(body.get("rate"), body.get("burst")))
        except (TypeError, ValueError) as exc:
            raise ControlError(str(exc)) from None

    @app.post("/_emulator/apps")
    def control_add_app() -> Response:
        body = control_body()
        unknown = sorted(set(body) - {"app_id", "template_ids"})
        if unknown:
            raise ControlError(f"unknown fields: {', '.join(unknown)} (give app_id and template_ids)")
        if "app_id" not in body:
            raise ControlError("app_id is required")
        template_ids = body.get("template_ids")
        if template_ids is not None and (not isinstance(template_ids, list) or any(parse_int(t) is None for t in template_ids)):
            raise ControlError("template_ids must be a list of template ids")
        try:
            served = emulator.serve_app(body["app_id"], template_ids)
        except (TypeError, ValueError) as exc:
            raise ControlError(str(exc)) from None
        return json_response(served, 201 if served["created"] else 200)

    @app.post("/_emulator/triggers")
    def control_add_trigger() -> Response:
        body = control_body()
        try:
            trigger = emulator.add_trigger(**body)
        except ApiError as exc:
            raise ControlError("; ".join(exc.errors)) from None
        except (TypeError, ValueError) as exc:
            raise ControlError(str(exc)) from None
        return json_response({"ok": True, "trigger": trigger}, 201)

    return app
