"""Why a firing did not happen; effects and guards raise these too."""


class TransitionError(Exception):
    """A firing that did not happen; ``message`` tells the user why."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Forbidden(TransitionError):
    """The user may not fire this transition on this application."""

    status_code = 403


class Refused(TransitionError):
    """A guard refused: the rules do not allow it (yet)."""

    status_code = 422


class Conflict(TransitionError):
    """Someone else changed the application first."""

    status_code = 409
