"""The code lists of the declaration form, in one place.

Intake validates against them, the events carry them, and ``GET /v1/reference``
serves them with their French and English labels. Adding a code is a compatible
change; renaming or removing one breaks the events' contract.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Language(StrEnum):
    FR = "fr"
    EN = "en"


class Nature(StrEnum):
    UNAVAILABLE = "unavailable"
    DEGRADED = "degraded"
    INTERMITTENT = "intermittent"
    SECURITY = "security"
    OTHER = "other"


class ImpactedUsers(StrEnum):
    ONE_USER = "one_user"
    SEVERAL_USERS = "several_users"
    ONE_SITE = "one_site"
    SEVERAL_SITES = "several_sites"
    ALL_USERS = "all_users"


class MainUsage(StrEnum):
    PRODUCTION = "production"
    PREPRODUCTION = "preproduction"
    BACKUP = "backup"
    DEVELOPMENT = "development"


class TicketStatus(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    PENDING_CUSTOMER = "pending_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Priority(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"


Labels = dict[Language, str]

NATURE_LABELS: Final[dict[Nature, Labels]] = {
    Nature.UNAVAILABLE: {Language.FR: "Service indisponible", Language.EN: "Service unavailable"},
    Nature.DEGRADED: {Language.FR: "Service dégradé", Language.EN: "Service degraded"},
    Nature.INTERMITTENT: {
        Language.FR: "Dysfonctionnement intermittent",
        Language.EN: "Intermittent malfunction",
    },
    Nature.SECURITY: {Language.FR: "Incident de sécurité", Language.EN: "Security incident"},
    Nature.OTHER: {Language.FR: "Autre", Language.EN: "Other"},
}

IMPACTED_USERS_LABELS: Final[dict[ImpactedUsers, Labels]] = {
    ImpactedUsers.ONE_USER: {Language.FR: "Un utilisateur", Language.EN: "One user"},
    ImpactedUsers.SEVERAL_USERS: {
        Language.FR: "Plusieurs utilisateurs",
        Language.EN: "Several users",
    },
    ImpactedUsers.ONE_SITE: {
        Language.FR: "Tous les utilisateurs d'un site",
        Language.EN: "All users of one site",
    },
    ImpactedUsers.SEVERAL_SITES: {Language.FR: "Plusieurs sites", Language.EN: "Several sites"},
    ImpactedUsers.ALL_USERS: {
        Language.FR: "Tous les utilisateurs",
        Language.EN: "All users",
    },
}

MAIN_USAGE_LABELS: Final[dict[MainUsage, Labels]] = {
    MainUsage.PRODUCTION: {Language.FR: "Production", Language.EN: "Production"},
    MainUsage.PREPRODUCTION: {Language.FR: "Préproduction", Language.EN: "Pre-production"},
    MainUsage.BACKUP: {
        Language.FR: "Sauvegarde et reprise d'activité",
        Language.EN: "Backup and disaster recovery",
    },
    MainUsage.DEVELOPMENT: {
        Language.FR: "Développement et tests",
        Language.EN: "Development and testing",
    },
}

STATUS_LABELS: Final[dict[TicketStatus, Labels]] = {
    TicketStatus.NEW: {Language.FR: "Nouveau", Language.EN: "New"},
    TicketStatus.ACKNOWLEDGED: {Language.FR: "Pris en compte", Language.EN: "Acknowledged"},
    TicketStatus.IN_PROGRESS: {Language.FR: "En cours de traitement", Language.EN: "In progress"},
    TicketStatus.PENDING_CUSTOMER: {
        Language.FR: "En attente de votre réponse",
        Language.EN: "Waiting for your answer",
    },
    TicketStatus.RESOLVED: {Language.FR: "Résolu", Language.EN: "Resolved"},
    TicketStatus.CLOSED: {Language.FR: "Clos", Language.EN: "Closed"},
    TicketStatus.CANCELLED: {Language.FR: "Annulé", Language.EN: "Cancelled"},
}

OPEN_STATUSES: Final[frozenset[TicketStatus]] = frozenset(
    {
        TicketStatus.NEW,
        TicketStatus.ACKNOWLEDGED,
        TicketStatus.IN_PROGRESS,
        TicketStatus.PENDING_CUSTOMER,
    }
)
