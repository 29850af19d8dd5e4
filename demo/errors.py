"""Errors that say what went wrong and how to fix it.

Every error a user can cause or meet derives from DemoError and carries a
`fix` sentence. This module must not import anything heavy (no mediapipe,
no cv2): the command line imports it before anything else.
"""

from __future__ import annotations


class DemoError(Exception):
    """An error with a human-readable fix; `code` is stable for the protocol."""

    code = "error"

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} {self.fix}".strip()


class ModelMissingError(DemoError):
    code = "model_missing"


class ModelCorruptError(DemoError):
    code = "model_corrupt"


class SourceError(DemoError):
    code = "source_error"


class RecordingFormatError(DemoError):
    code = "bad_recording"


class BadFrameError(DemoError):
    code = "bad_frame"


class BadMessageError(DemoError):
    code = "bad_message"


class ForbiddenError(DemoError):
    code = "forbidden"


class BusyError(DemoError):
    code = "busy"


class RateLimitedError(DemoError):
    code = "rate_limited"
