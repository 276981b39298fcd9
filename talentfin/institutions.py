"""The programme's institutions: kinds of organisation, the roles of their staff, permissions.

This is data, like the policy table's defaults. Code asks what a role *may do* (a
permission) or which *kind* of organisation it belongs to, never for a role by name; a
product's workflow names the roles that fire each of its transitions. A product or a test
that brings a new kind of partner registers it here (``register_kind``); nothing else in
the core changes.

Permissions (strings, checked by ``talentfin.policy``):

- ``applications.read_all``: sees every submitted application (the auditor);
- ``queue``: has a review queue (staff on some route);
- ``pool.read``: the pool's figures, ledger, statements, partner standing and audit page;
- ``pool.subsidies``: decides subsidy requests; ``pool.reinstate``: lifts a suspension;
- ``policy.read`` / ``policy.propose`` / ``policy.decide``: the policy table;
- ``audit.sign``: signs off the audit chains;
- ``accounts.manage``: accounts and institutions (the administrator);
- ``programme.read``: the programme dashboard, its figures and the files behind them;
- ``security_log.read``: reads and exports the security log (auditors, the administrator);
- ``identity.decide``: decides the changes of identity its park's companies ask for;
- ``committee.name_chair``: names the chair of its institution's committee (a fund's
  approver);
- ``bond.plan``: plans a bond its institution underwrites (the underwriting officer).
"""

from dataclasses import dataclass

from talentfin.i18n import _l

FOUNDER = "founder"  # the applicant: the one role every route starts with


@dataclass(frozen=True)
class Role:
    """A role: the kind of organisation its staff belong to, and what it may do."""

    key: str
    label: object  # a lazy translated string
    zh: str  # the name printed in dossiers, which are Chinese documents in any UI language
    kind: str | None = None  # None: founders, auditors and administrators belong to none
    permissions: frozenset[str] = frozenset()
    # An approver or a committee: may release a colleague's claim on an item of its own
    # organisation (a claim is the holder's, and a supervisor can take it over).
    supervises: bool = False


@dataclass(frozen=True)
class Kind:
    """A kind of organisation: parks, partner institutions of each product, the pool."""

    key: str
    label: object
    # The kind of institution that partners a product (founders choose one of them).
    partner: bool = False


KINDS: dict[str, Kind] = {}
ROLES: dict[str, Role] = {}


def register_kind(kind: Kind, *roles: Role) -> None:
    """Add a kind of organisation and the roles of its staff (idempotent for the same data)."""
    KINDS[kind.key] = kind
    for role in roles:
        ROLES[role.key] = role


def unregister_kind(key: str) -> None:
    """Remove a kind and its roles (tests that registered one of their own)."""
    KINDS.pop(key, None)
    for role in [r for r in ROLES.values() if r.kind == key]:
        del ROLES[role.key]


def _register_role(role: Role) -> None:
    ROLES[role.key] = role


STAFF = frozenset({"queue"})
POOL_READ = frozenset({"queue", "pool.read", "policy.read"})


def _partner(key: str, label, officer: tuple, approver: tuple, *committees: tuple,
             officer_may: frozenset[str] = frozenset(),
             approver_may: frozenset[str] = frozenset()) -> None:
    """A partner institution with its officer and approver roles, and its committees; each
    role as (label, Chinese name), a committee as (key, label, Chinese name); the officer
    and the approver may hold permissions beyond the staff's."""
    roles = [Role(f"{key}_officer", *officer, key, STAFF | officer_may),
             Role(f"{key}_approver", *approver, key, STAFF | approver_may, supervises=True)]
    roles += [Role(name, committee_label, zh, key, STAFF, supervises=True)
              for name, committee_label, zh in committees]
    register_kind(Kind(key, label, partner=True), *roles)


_register_role(Role(FOUNDER, _l("Founder"), "申请人"))
_register_role(Role("auditor", _l("Auditor"), "审计员",
                    permissions=POOL_READ | {"applications.read_all", "audit.sign",
                                             "programme.read", "security_log.read"}))
_register_role(Role("admin", _l("Administrator"), "系统管理员",
                    permissions=frozenset({"accounts.manage", "policy.read",
                                           "programme.read", "security_log.read"})))
register_kind(Kind("park", _l("Park")),
              Role("park_reviewer", _l("Park reviewer"), "园区审核人", "park",
                   STAFF | {"identity.decide"}))
register_kind(Kind("pool", _l("Pool")),
              Role("pool_admin", _l("Pool administrator"), "资金池管理员", "pool",
                   POOL_READ | {"pool.subsidies", "policy.propose"}),
              Role("pool_committee", _l("Pool committee"), "资金池管理委员会", "pool",
                   POOL_READ | {"pool.reinstate", "policy.decide"}, supervises=True))
_partner("bank", _l("Bank"), (_l("Bank credit officer"), "银行信贷员"),
         (_l("Bank approver"), "银行审批人"))
_partner("insurer", _l("Insurer"), (_l("Insurance underwriter"), "保险核保员"),
         (_l("Insurer approver"), "保险审批人"))
_partner("fund", _l("Fund"), (_l("Investment manager"), "投资经理"),
         (_l("Fund approver"), "基金审批人"),
         ("fund_ic", _l("Fund investment committee"), "投资决策委员会"),
         approver_may=frozenset({"committee.name_chair"}))
_partner("underwriter", _l("Underwriter"), (_l("Underwriting officer"), "承销业务经办人"),
         (_l("Underwriting approver"), "承销业务审批人"),
         ("bond_committee", _l("Bond committee"), "债券额度分配委员会"),
         officer_may=frozenset({"bond.plan"}))
_partner("exchange", _l("Exchange"), (_l("Exchange officer"), "交易中心专员"),
         (_l("Exchange approver"), "交易中心审批人"),
         ("listing_committee", _l("Listing committee"), "挂牌审核委员会"))
register_kind(Kind("issuer", _l("Bond issuer")),
              Role("issuer_officer", _l("Issuer's officer"), "发行人经办人", "issuer", STAFF))
_partner("broker", _l("Recommending institution"), (_l("Recommending officer"), "推荐机构经办人"),
         (_l("Recommending approver"), "推荐机构审批人"))

# What only those who must prove themselves with a second factor may do.
SECOND_FACTOR_PERMISSIONS = frozenset({"accounts.manage", "audit.sign", "pool.subsidies",
                                       "policy.propose", "policy.decide"})


def supervising_staff(key: str | None) -> bool:
    """An organisation's approvers and committees (they may take over a colleague's claim
    and read their organisation's webhooks)."""
    role = ROLES.get(key or "")
    return role is not None and role.supervises and role.kind is not None


def needs_second_factor(key: str | None) -> bool:
    """Whether the role signs in with a second factor: the approvers and committees (who
    decide money and admissions), the pool's staff, the auditors and the administrators."""
    role = ROLES.get(key or "")
    return role is not None and (role.supervises
                                 or bool(role.permissions & SECOND_FACTOR_PERMISSIONS))


SYSTEM_ZH = "系统自动处理"


def role_zh(key: str | None) -> str:
    """A role's Chinese name for dossiers ("系统自动处理" for the scheduler)."""
    if key == "system":
        return SYSTEM_ZH
    role = ROLES.get(key or "")
    return role.zh if role else (key or "")

SYSTEM_LABEL = _l("System")


def role_label(key: str | None) -> str:
    """A role's name in the reader's language (the key itself when unknown)."""
    if key == "system":
        return str(SYSTEM_LABEL)
    role = ROLES.get(key or "")
    return str(role.label) if role else (key or "")


def kind_label(key: str | None) -> str:
    """A kind of organisation in the reader's language."""
    kind = KINDS.get(key or "")
    return str(kind.label) if kind else (key or "")


def kind_of(role: str | None) -> str | None:
    """The kind of organisation staff of this role belong to (None: no organisation)."""
    found = ROLES.get(role or "")
    return found.kind if found else None


def may(role: str | None, permission: str) -> bool:
    """Whether a role holds a permission."""
    found = ROLES.get(role or "")
    return found is not None and permission in found.permissions


def roles_with(permission: str) -> tuple[str, ...]:
    """Every role that holds a permission."""
    return tuple(key for key, role in ROLES.items() if permission in role.permissions)


def staff_roles() -> tuple[str, ...]:
    """Roles an administrator creates accounts for (every role but the founder)."""
    return tuple(key for key in ROLES if key != FOUNDER)
