"""Why a firing did not happen; effects and guards raise these too."""


class TransitionError(Exception):
    """A firing that did not happen; ``message`` tells the user why, ``code`` names the rule
    for a machine (the refusing guard's name; the partner API's problem types use it)."""

    status_code = 400
    default_code = "not_done"

    def __init__(self, message: str, code: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code


class Forbidden(TransitionError):
    """The user may not fire this transition on this application."""

    status_code = 403
    default_code = "forbidden"


class Refused(TransitionError):
    """A guard refused: the rules do not allow it (yet)."""

    status_code = 422
    default_code = "refused"


class Conflict(TransitionError):
    """Someone else changed the application first."""

    status_code = 409
    default_code = "changed_meanwhile"
