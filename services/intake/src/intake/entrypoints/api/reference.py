"""``GET /v1/reference``: the form's code lists with their French and English labels."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from intake.entrypoints.api.strict_query import refuse_unknown_query_parameters
from ticketing_common.auth.principal import CUSTOMER_ROLES, OPERATIONS_ROLES
from ticketing_common.reference import (
    IMPACTED_USERS_LABELS,
    MAIN_USAGE_LABELS,
    NATURE_LABELS,
    Labels,
    Language,
)
from ticketing_common.web.access import Scope, access

router = APIRouter(
    prefix="/v1",
    tags=["declaration form"],
    dependencies=[Depends(refuse_unknown_query_parameters)],
)


class CodeLabel(BaseModel):
    code: str
    labels: dict[Language, str]


class ReferenceLists(BaseModel):
    natures: list[CodeLabel]
    impacted_users: list[CodeLabel]
    main_usages: list[CodeLabel]


CodeT = TypeVar("CodeT", bound=StrEnum)


def _codes(labels: Mapping[CodeT, Labels]) -> list[CodeLabel]:
    return [CodeLabel(code=code.value, labels=dict(text)) for code, text in labels.items()]


@router.get("/reference", **access(CUSTOMER_ROLES | OPERATIONS_ROLES, Scope.ORGANIZATION))
async def reference_lists() -> ReferenceLists:
    return ReferenceLists(
        natures=_codes(NATURE_LABELS),
        impacted_users=_codes(IMPACTED_USERS_LABELS),
        main_usages=_codes(MAIN_USAGE_LABELS),
    )
