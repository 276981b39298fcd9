"""The pre-screener's few questions beyond the company profile (all optional)."""

from wtforms.validators import Optional

from talentfin.forms.base import BaseForm
from talentfin.forms.base import CountField
from talentfin.forms.base import YuanField
from talentfin.i18n import _l


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

    def answers(self) -> dict:
        """The answers given, by the names the products' rules read (amounts in fen)."""
        if self.errors:
            return {}
        return {"staff": self.staff.data, "rd_staff": self.rd_staff.data,
                "total_assets_fen": self.total_assets.data, "revenue_fen": self.revenue.data,
                "shareholders": self.shareholders.data}
