"""The founder's document uploads, and another party's (a bank's claim papers)."""

from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms.validators import DataRequired

from talentfin.forms.base import BaseForm
from talentfin.forms.base import ChoiceField
from talentfin.i18n import _l


class UploadForm(BaseForm):
    """One document of one kind (the kinds are the product's, set by the page)."""

    kind = ChoiceField(_l("Document"), validators=[DataRequired()])
    file = FileField(_l("File (PDF, JPEG or PNG)"), validators=[FileRequired()])
