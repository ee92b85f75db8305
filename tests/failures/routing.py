"""Which queues a message reaches, and which consumers refuse it: from the real code.

The poison messages' expected dead letters are computed from the topology
(``QueueSpec.routing_keys``) and each service's own router, so the suite follows the
services as they change instead of repeating their rules.
"""

from __future__ import annotations

from ticketing_common.messaging.consumer import EventRouter, RejectEvent, decode_event
from ticketing_common.messaging.topology import QueueSpec

Subscriptions = dict[str, tuple[QueueSpec, EventRouter]]


def topic_matches(binding: str, routing_key: str) -> bool:
    """AMQP topic matching: ``*`` is exactly one word, ``#`` zero or more."""
    return _match(binding.split("."), routing_key.split("."))


def _match(pattern: list[str], words: list[str]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_match(rest, words[skip:]) for skip in range(len(words) + 1))
    if not words:
        return False
    return (head in ("*", words[0])) and _match(rest, words[1:])


def reaches(spec: QueueSpec, routing_key: str) -> bool:
    return any(topic_matches(binding, routing_key) for binding in spec.routing_keys)


def refused_on_arrival(body: bytes, router: EventRouter) -> str | None:
    """Why the consumer would dead-letter ``body`` before any handler runs; None if a
    handler would get it."""
    try:
        decode_event(body, router)
    except RejectEvent as exc:
        return str(exc)
    return None


def service_subscriptions() -> Subscriptions:
    """Each consuming queue with its router, as the services build them."""
    import intake.bootstrap
    import intake.settings
    import notification.bootstrap
    import notification.settings
    import search.bootstrap
    import search.settings
    import ticket_store.bootstrap
    import ticket_store.settings

    runtimes = [
        intake.bootstrap.build_runtime(intake.settings.load_settings()),
        ticket_store.bootstrap.build_runtime(ticket_store.settings.load_settings()),
        notification.bootstrap.build_runtime(notification.settings.load_settings()),
        search.bootstrap.build_runtime(search.settings.load_settings()),
    ]
    found: Subscriptions = {}
    for runtime in runtimes:
        for spec, router in runtime.subscriptions:
            found[spec.name] = (spec, router)
    return found
