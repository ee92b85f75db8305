"""Reading a ticket's timeline page by page, as each reader may see it."""

from __future__ import annotations

from typing import Any

from ticket_store.runtime import TicketStoreRuntime
from ticketing_common.web.paging import encode_cursor
from ticketing_devkit.service_testing import ServiceUnderTest

from .support import Desktop, new_ticket


async def every_page(desk: Desktop, number: str, limit: int) -> list[list[dict[str, Any]]]:
    pages: list[list[dict[str, Any]]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        response = await desk.client.get(
            f"/v1/tickets/{number}/history", params=params, headers=desk.headers
        )
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return pages


async def test_the_timeline_pages_through_every_entry_its_reader_may_see(
    runtime: TicketStoreRuntime, agent: Desktop, customer: Desktop
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    for index in range(3):
        assert (await agent.comment(number, f"internal {index}", "internal")).status_code == 201
        assert (await agent.comment(number, f"public {index}", "public")).status_code == 201
    operations = await every_page(agent, number, limit=2)
    assert [len(page) for page in operations] == [2, 2, 2, 1]
    entries = [entry for page in operations for entry in page]
    assert [e["comment"] for e in entries] == [
        None,
        *(text for i in range(3) for text in (f"internal {i}", f"public {i}")),
    ]
    assert [e["id"] for e in entries] == sorted(e["id"] for e in entries)
    customers = await every_page(customer, number, limit=2)
    assert [len(page) for page in customers] == [2, 2]
    assert [e["comment"] for page in customers for e in page] == [
        None,
        "public 0",
        "public 1",
        "public 2",
    ]


async def test_a_cursor_of_another_list_is_refused(
    store: ServiceUnderTest, runtime: TicketStoreRuntime, agent: Desktop
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    response = await store.client.get(
        f"/v1/tickets/{number}/history",
        params={"cursor": encode_cursor(["due"])},
        headers=agent.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


async def test_the_timeline_of_a_ticket_out_of_sight_is_not_found(
    runtime: TicketStoreRuntime, store: ServiceUnderTest
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk, contract_id="CT-ACME-1003")
    outsider = Desktop(store.client, "customer")
    response = await store.client.get(f"/v1/tickets/{number}/history", headers=outsider.headers)
    assert response.status_code == 404
    unknown = await store.client.get("/v1/tickets/INC9999999/history", headers=outsider.headers)
    assert unknown.status_code == 404
