"""Who may use an attachment: the rules, free of I/O."""

from __future__ import annotations

from dataclasses import dataclass

from ticketing_common.auth.principal import Principal


@dataclass(frozen=True)
class AttachmentFacts:
    id: str
    org_id: str
    # The declaration that names it, and that declaration's contract; None until linked.
    declaration_id: str | None = None
    contract_id: str | None = None


def may_download(caller: Principal, attachment: AttachmentFacts) -> bool:
    """Operations see every file. A customer sees their organization's uploads; once a
    file belongs to a declaration, only those who may see that incident do."""
    if caller.is_operations:
        return True
    if not caller.may_see_organization(attachment.org_id):
        return False
    if attachment.contract_id is None:
        return True
    return caller.may_see_incident(attachment.org_id, attachment.contract_id)


def may_attach(org_id: str | None, attachment: AttachmentFacts) -> bool:
    """Only an upload of the declaring organization can be attached to its declaration."""
    return org_id is not None and attachment.org_id == org_id
