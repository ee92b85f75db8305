"""The sender: a background worker that sends deliveries as soon as they are recorded.

It wakes on the ``deliveries`` insert trigger's notification, and polls besides, which
is also how retries come due. Several replicas may run it: claims keep them apart.
"""

from __future__ import annotations

from notification.adapters.tables import DELIVERIES_CHANNEL
from notification.handlers.sending import Sending
from ticketing_common.notified_loop import NotifiedLoop


class DeliverySender:
    def __init__(
        self, sending: Sending, *, dsn: str, poll_seconds: float, gather_seconds: float = 0.0
    ) -> None:
        self._sending = sending
        self._loop = NotifiedLoop(
            name="delivery-sender",
            dsn=dsn,
            channel=DELIVERIES_CHANNEL,
            work=self._work,
            poll_seconds=poll_seconds,
            gather_seconds=gather_seconds,
        )

    def start(self) -> None:
        self._loop.start()

    async def stop(self, timeout: float = 30.0) -> None:
        """Finish the batch in hand (a delivery cut short is claimed again later), then
        close the SMTP sessions."""
        await self._loop.stop(timeout)
        await self._sending.close()

    def wake(self) -> None:
        self._loop.wake()

    async def _work(self) -> bool:
        claimed = await self._sending.send_due()
        return claimed >= self._sending.batch_size
