"""What a declaration must be to be accepted: the request's shape and the rules
that check it against the catalog and the caller. No I/O: the handler loads the
catalog facts, these functions decide."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    model_validator,
)

from intake.domain.attachments import AttachmentFacts, may_attach
from intake.domain.text import Identifier, LongText, PhoneText, ShortText
from ticketing_common.auth.principal import Principal
from ticketing_common.events.parts import OnsiteContact, Recipient
from ticketing_common.reference import ImpactedUsers, Language, MainUsage, Nature
from ticketing_common.web.problems import FieldError

MAX_NOTIFY = 20
MAX_ATTACHMENTS = 10


def _written_date_time(value: object) -> object:
    # Lax validation would read a number as seconds since 1970: the contract wants a
    # date and time written out, with the time zone the customer saw.
    if isinstance(value, int | float):
        raise ValueError(
            "write the date and time with its time zone, e.g. 2026-11-26T16:56:00+01:00"
        )
    return value


OccurredAt = Annotated[AwareDatetime, BeforeValidator(_written_date_time)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OnsiteContactRequest(_Strict):
    name: ShortText
    phone: PhoneText | None = None


class NotifyRequest(_Strict):
    """A contact of the catalog (``contact_id``) or a free address (``email``)."""

    contact_id: Identifier | None = None
    email: EmailStr | None = Field(default=None, max_length=320)
    language: Language | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if (self.contact_id is None) == (self.email is None):
            raise ValueError("give either contact_id or email")
        if self.email is not None and self.language is None:
            raise ValueError("language is required with a free email address")
        return self


class DeclarationRequest(_Strict):
    contract_id: Identifier
    element_id: Identifier
    region: Identifier | None = None
    nature: Nature
    impacted_users: ImpactedUsers
    main_usage: MainUsage
    occurred_at: OccurredAt
    customer_reference: ShortText | None = None
    description: LongText
    attachment_ids: list[Identifier] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)
    site_id: Identifier | None = None
    onsite_contact: OnsiteContactRequest | None = None
    interlocutor_id: Identifier | None = None
    # Duplicates are merged before the limit of MAX_NOTIFY distinct recipients applies.
    notify: list[NotifyRequest] = Field(default_factory=list, max_length=100)

    def distinct_attachment_ids(self) -> list[str]:
        """The files to attach, in order; one named twice is attached once."""
        return list(dict.fromkeys(self.attachment_ids))

    def fingerprint(self) -> str:
        """A hash of the request's meaning, for idempotency: the same body, whatever
        its formatting or key order, gives the same fingerprint."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ContractFacts:
    id: str
    org_id: str
    status: str


@dataclass(frozen=True)
class ElementFacts:
    id: str
    contract_id: str
    regions: tuple[str, ...]


@dataclass(frozen=True)
class SiteFacts:
    id: str
    org_id: str


@dataclass(frozen=True)
class ContactFacts:
    id: str
    org_id: str
    name: str
    email: str
    language: Language


@dataclass(frozen=True)
class CatalogView:
    """The catalog objects a declaration names, as found (None: not found)."""

    contract: ContractFacts | None
    element: ElementFacts | None
    site: SiteFacts | None
    contacts: Mapping[str, ContactFacts]
    attachments: Mapping[str, AttachmentFacts]


@dataclass(frozen=True)
class TimeRules:
    skew: timedelta
    max_age: timedelta


@dataclass(frozen=True)
class Recipients:
    interlocutor: Recipient
    notify: tuple[Recipient, ...]


def check_declaration(
    request: DeclarationRequest,
    caller: Principal,
    catalog: CatalogView,
    *,
    now: datetime,
    time_rules: TimeRules,
) -> list[FieldError]:
    """Every reason the declaration cannot be accepted, each naming its field."""
    errors: list[FieldError] = []
    org_id = caller.org_id
    contract = catalog.contract
    # A contract of another organization or outside the perimeter reads as unknown.
    if contract is None or not caller.may_act_on_contract(contract.org_id, contract.id):
        errors.append(FieldError("contract_id", "unknown contract", code="unknown"))
        contract = None
    elif contract.status != "active":
        errors.append(
            FieldError(
                "contract_id",
                f"the contract is {contract.status} and cannot receive a declaration",
                code="contract_not_active",
            )
        )
    if org_id is None and contract is not None:
        org_id = contract.org_id
    element = catalog.element
    if contract is not None and (element is None or element.contract_id != contract.id):
        errors.append(
            FieldError("element_id", "unknown park element for this contract", code="unknown")
        )
        element = None
    if element is not None:
        errors.extend(_check_region(request.region, element))
    errors.extend(_check_time(request.occurred_at, now, time_rules))
    if request.site_id is not None:
        site = catalog.site
        if site is None or site.org_id != org_id:
            errors.append(FieldError("site_id", "unknown site", code="unknown"))
    if request.interlocutor_id is not None:
        contact = catalog.contacts.get(request.interlocutor_id)
        if contact is None or contact.org_id != org_id:
            errors.append(FieldError("interlocutor_id", "unknown contact", code="unknown"))
    elif not caller.email:
        errors.append(
            FieldError(
                "interlocutor_id",
                "required: your account has no email address to follow the incident",
                code="missing",
            )
        )
    for index, item in enumerate(request.notify):
        if item.contact_id is not None:
            contact = catalog.contacts.get(item.contact_id)
            if contact is None or contact.org_id != org_id:
                errors.append(
                    FieldError(f"notify[{index}].contact_id", "unknown contact", code="unknown")
                )
    errors.extend(_check_attachments(request.attachment_ids, org_id, catalog.attachments))
    distinct = _distinct_notify_count(request, catalog)
    if distinct > MAX_NOTIFY:
        errors.append(
            FieldError(
                "notify",
                f"at most {MAX_NOTIFY} distinct contacts may be notified ({distinct} given)",
                code="too_many",
            )
        )
    return errors


def _check_attachments(
    attachment_ids: list[str], org_id: str | None, attachments: Mapping[str, AttachmentFacts]
) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[str] = set()
    for index, attachment_id in enumerate(attachment_ids):
        if attachment_id in seen:
            continue
        seen.add(attachment_id)
        field = f"attachment_ids[{index}]"
        attachment = attachments.get(attachment_id)
        # Another organization's upload reads as unknown: its existence is not told.
        if attachment is None or not may_attach(org_id, attachment):
            errors.append(FieldError(field, "unknown attachment", code="unknown"))
        elif attachment.declaration_id is not None:
            errors.append(
                FieldError(
                    field,
                    "this file is already attached to another declaration; upload it again",
                    code="already_attached",
                )
            )
    return errors


def _distinct_notify_count(request: DeclarationRequest, catalog: CatalogView) -> int:
    """How many distinct people the notify list names, merged as ``resolve_recipients``
    merges them (an unknown contact counts once, by its id)."""
    keys: set[str] = set()
    for item in request.notify:
        if item.contact_id is not None:
            contact = catalog.contacts.get(item.contact_id)
            keys.add(contact.email.lower() if contact else f"contact:{item.contact_id}")
        elif item.email is not None:
            keys.add(item.email.lower())
    return len(keys)


def _check_region(region: str | None, element: ElementFacts) -> list[FieldError]:
    if region is None:
        if len(element.regions) > 1:
            choices = ", ".join(element.regions)
            return [
                FieldError(
                    "region",
                    f"required: this element runs in several regions ({choices})",
                    code="missing",
                )
            ]
        return []
    if region not in element.regions:
        return [FieldError("region", "not a region of this park element", code="unknown")]
    return []


def _check_time(occurred_at: datetime, now: datetime, rules: TimeRules) -> list[FieldError]:
    if occurred_at > now + rules.skew:
        return [FieldError("occurred_at", "is in the future", code="in_future")]
    if occurred_at < now - rules.max_age:
        days = rules.max_age.days
        return [FieldError("occurred_at", f"is more than {days} days ago", code="too_old")]
    return []


def resolve_recipients(
    request: DeclarationRequest, caller: Principal, catalog: CatalogView
) -> Recipients:
    """The interlocutor (by default the caller) and the distinct contacts to notify.

    Addresses are compared without case; the first mention of an address wins.
    """
    if request.interlocutor_id is not None:
        interlocutor = _recipient(catalog.contacts[request.interlocutor_id], None)
    else:
        assert caller.email is not None
        interlocutor = Recipient(
            contact_id=None, name=caller.name, email=caller.email, language=caller.language
        )
    seen: set[str] = set()
    notify: list[Recipient] = []
    for item in request.notify:
        if item.contact_id is not None:
            recipient = _recipient(catalog.contacts[item.contact_id], item.language)
        else:
            assert item.email is not None
            assert item.language is not None
            recipient = Recipient(
                contact_id=None, name=None, email=item.email, language=item.language
            )
        key = recipient.email.lower()
        if key in seen:
            continue
        seen.add(key)
        notify.append(recipient)
    return Recipients(interlocutor, tuple(notify))


def _recipient(contact: ContactFacts, language: Language | None) -> Recipient:
    return Recipient(
        contact_id=contact.id,
        name=contact.name,
        email=contact.email,
        language=language or contact.language,
    )


def onsite_contact(request: DeclarationRequest) -> OnsiteContact | None:
    if request.onsite_contact is None:
        return None
    return OnsiteContact(name=request.onsite_contact.name, phone=request.onsite_contact.phone)
