"""The ticket store's settings."""

from __future__ import annotations

from datetime import timedelta
from typing import Self

from pydantic import Field, model_validator

from ticket_store.domain.sla import SlaPolicy, SlaTarget
from ticketing_common.reference import Priority
from ticketing_common.settings import ServiceSettings


class TicketStoreSettings(ServiceSettings):
    service_name: str = "ticket-store"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/tickets"
    http_port: int = 8002

    # Service-level targets per priority, in minutes of calendar time (around the clock):
    # the first answer from operations (response) and the resolution.
    sla_p1_response_minutes: int = Field(default=30, ge=1)
    sla_p1_resolution_minutes: int = Field(default=4 * 60, ge=1)
    sla_p2_response_minutes: int = Field(default=60, ge=1)
    sla_p2_resolution_minutes: int = Field(default=8 * 60, ge=1)
    sla_p3_response_minutes: int = Field(default=4 * 60, ge=1)
    sla_p3_resolution_minutes: int = Field(default=2 * 24 * 60, ge=1)
    sla_p4_response_minutes: int = Field(default=24 * 60, ge=1)
    sla_p4_resolution_minutes: int = Field(default=5 * 24 * 60, ge=1)

    # A resolved ticket nobody touches for this long is closed by the system.
    auto_close_days: float = Field(default=5.0, gt=0, le=365)

    # Customers then read this label instead of an agent's name (assignee, history).
    hide_agent_names: bool = False
    agent_display_name: str = Field(default="Service desk", min_length=1, max_length=200)

    # The background jobs (SLA breaches, auto-close): how often a pass runs, and how many
    # tickets one transaction claims.
    jobs_interval_seconds: float = Field(default=60.0, gt=0)
    jobs_batch_size: int = Field(default=100, ge=1, le=1000)

    @property
    def sla_policy(self) -> SlaPolicy:
        minutes = {
            Priority.P1: (self.sla_p1_response_minutes, self.sla_p1_resolution_minutes),
            Priority.P2: (self.sla_p2_response_minutes, self.sla_p2_resolution_minutes),
            Priority.P3: (self.sla_p3_response_minutes, self.sla_p3_resolution_minutes),
            Priority.P4: (self.sla_p4_response_minutes, self.sla_p4_resolution_minutes),
        }
        return SlaPolicy(
            {
                priority: SlaTarget(
                    response=timedelta(minutes=response), resolution=timedelta(minutes=resolution)
                )
                for priority, (response, resolution) in minutes.items()
            }
        )

    @property
    def auto_close_after(self) -> timedelta:
        return timedelta(days=self.auto_close_days)

    @model_validator(mode="after")
    def _check_sla_targets(self) -> Self:
        # Refused at start-up rather than at the first ticket.
        try:
            self.sla_policy  # noqa: B018 - building the policy is the check
        except ValueError as exc:
            raise ValueError(f"SLA targets: {exc}") from exc
        return self


def load_settings() -> TicketStoreSettings:
    return TicketStoreSettings()
