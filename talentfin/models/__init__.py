"""The shared models: people and organisations, the application envelope and its log,
documents, the outbox, notifications, the policy table, jobs and sign-offs.

A product's own models live in its package, the pool's in ``talentfin.pool.models``;
``talentfin.programme`` imports them all, so Alembic and the app see the whole schema.
"""

from talentfin.models.api import ApiClient
from talentfin.models.api import ApiToken
from talentfin.models.api import IdempotencyKey
from talentfin.models.application import Application
from talentfin.models.application import TransitionLog
from talentfin.models.chain import ChainHead
from talentfin.models.chain import Checkpoint
from talentfin.models.chain import CheckpointLeaf
from talentfin.models.document import Attachment
from talentfin.models.document import Dossier
from talentfin.models.document import OutboxTask
from talentfin.models.jobs import JobRun
from talentfin.models.notification import NOTIFICATION_KINDS
from talentfin.models.notification import Notification
from talentfin.models.notification import NotificationPreference
from talentfin.models.org import TALENT_TIERS
from talentfin.models.org import Enterprise
from talentfin.models.org import IdentityChange
from talentfin.models.org import Organisation
from talentfin.models.org import TalentProfile
from talentfin.models.policy import PolicyParameter
from talentfin.models.signoff import AuditSignOff
from talentfin.models.user import LoginAttempt
from talentfin.models.user import PendingRegistration
from talentfin.models.user import RateEvent
from talentfin.models.user import SecurityEvent
from talentfin.models.user import User
from talentfin.models.webhooks import WebhookAttempt
from talentfin.models.webhooks import WebhookDelivery
from talentfin.models.webhooks import WebhookSubscription

__all__ = [
    "NOTIFICATION_KINDS", "TALENT_TIERS",
    "ApiClient", "ApiToken", "Application", "Attachment", "AuditSignOff", "ChainHead",
    "Checkpoint", "CheckpointLeaf",
    "Dossier", "Enterprise", "IdempotencyKey",
    "IdentityChange", "JobRun", "LoginAttempt", "Notification", "NotificationPreference",
    "Organisation", "OutboxTask", "PendingRegistration", "PolicyParameter", "RateEvent",
    "SecurityEvent", "TalentProfile", "TransitionLog", "User", "WebhookAttempt",
    "WebhookDelivery", "WebhookSubscription",
]
