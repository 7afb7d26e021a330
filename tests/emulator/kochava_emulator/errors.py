"""Exceptions shared by the emulator's model and its HTTP layer."""

from __future__ import annotations


class ApiError(Exception):
    """An error the emulated API answers with the documented error envelope.

    ``status`` is the HTTP status code, ``errors`` the list of messages that
    goes into the envelope's ``errors`` field.
    """

    def __init__(self, status: int, errors: list[str] | str):
        if isinstance(errors, str):
            errors = [errors]
        super().__init__(f"{status}: {'; '.join(errors)}")
        self.status = status
        self.errors = list(errors)


class DuplicateTriggerError(ApiError):
    """A trigger with the same (app, template_id, type, filter_str) exists.

    Raised by the model with status 400 and the message the document says the
    current API sends ("Duplicate install post-back", whatever the type); the
    HTTP layer rewrites it when the emulator is switched to the announced 409.
    """

    LEGACY_STATUS = 400
    LEGACY_MESSAGE = "Duplicate install post-back"
    FUTURE_STATUS = 409
    FUTURE_MESSAGE = "Duplicate post-back"

    def __init__(self, existing_id: int, status: int = LEGACY_STATUS):
        message = self.LEGACY_MESSAGE if status == self.LEGACY_STATUS else self.FUTURE_MESSAGE
        super().__init__(status, [message])
        self.existing_id = existing_id
