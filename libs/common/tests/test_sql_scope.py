"""The SQL scope conditions answer exactly what ``Principal`` answers, row by row."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, MetaData, String, Table, insert, select

from ticketing_common.auth.principal import Principal, Role
from ticketing_common.auth.sql_scope import contract_condition, organization_condition
from ticketing_common.db.engine import SessionFactory

ORGS = ("ORG-1", "ORG-2")
CONTRACTS = ("CT-1", "CT-2", "CT-3")
metadata = MetaData()
rows = Table(
    "scope_probe",
    metadata,
    Column("org_id", String, nullable=False),
    Column("contract_id", String, nullable=False),
)

principals = st.builds(
    Principal,
    sub=st.just("u"),
    name=st.just("u"),
    email=st.none(),
    org_id=st.sampled_from([*ORGS, None]),
    roles=st.frozensets(st.sampled_from(list(Role)), max_size=3),
    perimeter=st.one_of(st.none(), st.frozensets(st.sampled_from(CONTRACTS), max_size=3)),
)


@pytest.fixture(scope="module")
async def probe_table(session_factory: SessionFactory) -> None:
    async with session_factory.begin() as session:
        await session.run_sync(lambda s: metadata.create_all(s.connection()))
        await session.execute(rows.delete())
        await session.execute(
            insert(rows),
            [{"org_id": o, "contract_id": c} for o, c in itertools.product(ORGS, CONTRACTS)],
        )


@pytest.mark.usefixtures("probe_table")
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(principal=principals, org_filter=st.sampled_from([None, *ORGS]))
async def test_sql_and_python_agree(
    session_factory: SessionFactory, principal: Principal, org_filter: str | None
) -> None:
    async with session_factory() as session:
        found = set(
            (
                await session.execute(
                    select(rows.c.org_id, rows.c.contract_id).where(
                        contract_condition(principal, rows.c.org_id, rows.c.contract_id, org_filter)
                    )
                )
            ).all()
        )
        in_org = set(
            (
                await session.execute(
                    select(rows.c.org_id, rows.c.contract_id).where(
                        organization_condition(principal, rows.c.org_id, org_filter)
                    )
                )
            ).all()
        )
    expected = {
        (org, contract)
        for org, contract in itertools.product(ORGS, CONTRACTS)
        if principal.may_act_on_contract(org, contract)
        and org_filter in (None, org)
        and (principal.is_operations or principal.org_id is not None)
    }
    assert {tuple(row) for row in found} == expected
    assert {tuple(row) for row in found} <= {tuple(row) for row in in_org}
