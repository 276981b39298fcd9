"""talentfin: the talent finance programme's web application.

``create_app`` (``talentfin.factory``) builds the app; ``gunicorn 'talentfin:create_app()'``
and ``flask --app talentfin`` find it here.
"""

from talentfin.factory import create_app

__all__ = ["create_app"]
