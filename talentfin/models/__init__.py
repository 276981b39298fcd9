"""All models, imported here so Alembic and the app see the whole schema."""

from talentfin.models.application import PRODUCTS
from talentfin.models.application import Application
from talentfin.models.application import TransitionLog
from talentfin.models.document import ATTACHMENT_KINDS
from talentfin.models.document import REQUIRED_LOAN_ATTACHMENTS
from talentfin.models.document import Attachment
from talentfin.models.document import Dossier
from talentfin.models.document import OutboxTask
from talentfin.models.jobs import JobRun
from talentfin.models.ledger import ENTRY_KINDS
from talentfin.models.ledger import ChainHead
from talentfin.models.ledger import Funder
from talentfin.models.ledger import LedgerEntry
from talentfin.models.ledger import LedgerLine
from talentfin.models.notification import NOTIFICATION_KINDS
from talentfin.models.notification import Notification
from talentfin.models.notification import NotificationPreference
from talentfin.models.org import ORG_KINDS
from talentfin.models.org import TALENT_TIERS
from talentfin.models.org import Enterprise
from talentfin.models.org import Organisation
from talentfin.models.org import TalentProfile
from talentfin.models.policy import PolicyParameter
from talentfin.models.servicing import CLAIM_DOCUMENTS
from talentfin.models.servicing import CLASSIFICATIONS
from talentfin.models.servicing import Claim
from talentfin.models.servicing import Recovery
from talentfin.models.servicing import Repayment
from talentfin.models.signoff import AuditSignOff
from talentfin.models.standing import StandingChange
from talentfin.models.statements import PoolStatement
from talentfin.models.subsidy import SubsidyClaim
from talentfin.models.user import ROLE_ORG_KIND
from talentfin.models.user import ROLES
from talentfin.models.user import STAFF_ROLES
from talentfin.models.user import LoginAttempt
from talentfin.models.user import User

__all__ = [
    "AuditSignOff",
    "CLAIM_DOCUMENTS", "CLASSIFICATIONS", "Claim", "Recovery", "Repayment",
    "NOTIFICATION_KINDS", "Notification", "NotificationPreference",
    "ATTACHMENT_KINDS", "ENTRY_KINDS", "ChainHead", "Funder", "LedgerEntry", "LedgerLine",
    "ORG_KINDS", "PoolStatement", "StandingChange", "SubsidyClaim", "PRODUCTS",
    "REQUIRED_LOAN_ATTACHMENTS",
    "ROLES",
    "ROLE_ORG_KIND", "STAFF_ROLES", "TALENT_TIERS", "Application", "Attachment", "Dossier",
    "Enterprise", "JobRun", "LoginAttempt", "Organisation", "OutboxTask", "PolicyParameter",
    "TalentProfile", "TransitionLog", "User",
]
