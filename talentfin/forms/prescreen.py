"""The pre-screener's few questions beyond the company profile (all optional)."""

from wtforms.validators import Optional

from talentfin.forms.base import BaseForm
from talentfin.forms.base import CountField
from talentfin.forms.base import YuanField
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.i18n import enumeration

# Each field and the name the products' rules read its answer by (amounts in fen).
ANSWER_NAMES = {"staff": "staff", "rd_staff": "rd_staff", "total_assets": "total_assets_fen",
                "revenue": "revenue_fen", "shareholders": "shareholders"}


class PrescreenForm(BaseForm):
    """Staff, R&D staff, assets and revenue (人才投's rules) and shareholders (人才板's)."""

    class Meta:
        csrf = False  # a GET form: it changes nothing

    staff = CountField(_l("Staff"), validators=[Optional()], minimum=1, maximum=1_000_000)
    rd_staff = CountField(_l("R&D staff"), validators=[Optional()], minimum=0,
                          maximum=1_000_000)
    total_assets = YuanField(_l("Total assets (yuan)"), validators=[Optional()],
                             minimum_fen=0)
    revenue = YuanField(_l("Revenue last year (yuan)"), validators=[Optional()],
                        minimum_fen=0)
    shareholders = CountField(_l("Number of shareholders"), validators=[Optional()], minimum=1,
                              maximum=1_000_000)

    def validate(self, extra_validators=None) -> bool:
        """Each answer, then the R&D staff against the whole staff (as the fund's
        application form checks them)."""
        valid = super().validate(extra_validators)
        staff, rd_staff = self.staff, self.rd_staff
        if staff.data is not None and rd_staff.data is not None and not staff.errors \
                and not rd_staff.errors and rd_staff.data > staff.data:
            rd_staff.errors.append(_("The R&D staff cannot be more than the whole staff."))
            valid = False
        return valid

    def answers(self) -> dict:
        """The valid answers, by the names the products' rules read (amounts in fen); an
        answer that is not valid is not among them (``left_out``)."""
        return {name: None if self[field].errors else self[field].data
                for field, name in ANSWER_NAMES.items()}

    def left_out(self) -> tuple[str, ...]:
        """The labels of the answers given that are not valid, in the form's order."""
        return tuple(str(self[field].label.text) for field in ANSWER_NAMES
                     if self[field].errors)

    def left_out_note(self) -> str | None:
        """What the page says of the answers left out, or None when every answer is valid."""
        left_out = self.left_out()
        if not left_out:
            return None
        return _("Left out, as not valid: %(answers)s (marked in the form). A reason below "
                 "that stops a product holds whatever the answer is; the other products are "
                 "not judged until you correct it and check again.",
                 answers=enumeration(left_out))
