"""The four services and the portal as separate processes, as `make run` starts them:
the processes of ``ticketing_devkit.processes``, with the portal added."""

from __future__ import annotations

from ticketing_devkit.processes import System, process_env


class PortalSystem(System):
    @property
    def portal(self) -> str:
        return self.url("portal")


def portal_env(system: System, port: int) -> dict[str, str]:
    env = process_env(port)
    env.update(
        INTAKE_URL=system.url("intake"),
        TICKET_STORE_URL=system.url("ticket-store"),
        NOTIFICATION_URL=system.url("notification"),
        SEARCH_URL=system.url("search"),
        PORTAL_AUTH="development",
        PORTAL_COOKIE_SECURE="false",
        PORTAL_POLL_SECONDS="0.5",
    )
    return env
