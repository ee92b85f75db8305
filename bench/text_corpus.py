"""Words for the incidents the bench declares and loads: French and English, with
accents, in the proportions a provider's customers would write them.

Some words are common (a full-text search for them matches many incidents), some
rare (a few); ``RARE_WORDS`` and ``COMMON_WORDS`` name them for the queries.
"""

from __future__ import annotations

import random

SERVICES = (
    "Flexible Engine",
    "Business VPN",
    "Managed Backup",
    "Managed Kubernetes",
    "Object Storage",
    "Cloud Avenue",
    "Dedicated Server",
    "Load Balancer",
)

REGIONS = ("eu-west-0", "eu-west-2", "eu-north-0", "eu-south-1")

CITIES = (
    "Lyon",
    "Paris",
    "Rennes",
    "Nantes",
    "Lille",
    "Marseille",
    "Toulouse",
    "Bordeaux",
    "Strasbourg",
    "Grenoble",
    "Montpellier",
    "Nice",
    "Orléans",
    "Besançon",
    "Le Havre",
    "Saint-Étienne",
)

FRENCH_SUBJECTS = (
    "Connexion VPN impossible",
    "Lenteurs sur la base de données",
    "Perte de paquets vers le datacenter",
    "Sauvegarde nocturne échouée",
    "Certificat expiré sur le portail",
    "Coupure réseau intermittente",
    "Machine virtuelle injoignable",
    "Espace disque saturé",
    "Erreur 502 sur l'équilibreur",
    "Accès refusé à la console",
)

ENGLISH_SUBJECTS = (
    "VPN tunnel down",
    "Database latency spikes",
    "Packet loss to the datacenter",
    "Nightly backup failed",
    "Expired certificate on the portal",
    "Intermittent network outage",
    "Virtual machine unreachable",
    "Disk space exhausted",
    "HTTP 502 from the load balancer",
    "Access denied to the console",
)

FRENCH_SENTENCES = (
    "Depuis ce matin les utilisateurs du site ne joignent plus l'application métier.",
    "Le problème apparaît par intermittence, surtout en fin de journée.",
    "Nous avons redémarré le serveur sans amélioration.",
    "La supervision signale des délais de réponse supérieurs à dix secondes.",
    "Aucun changement n'a été déployé de notre côté depuis la semaine dernière.",
    "L'équipe réseau a vérifié le pare-feu : les règles sont inchangées.",
    "Le service est totalement indisponible pour les clients finaux.",
    "Merci de rappeler l'interlocuteur dès que possible.",
)

ENGLISH_SENTENCES = (
    "Since this morning users on the site cannot reach the business application.",
    "The issue comes and goes, mostly at the end of the day.",
    "We restarted the server with no improvement.",
    "Monitoring reports response times above ten seconds.",
    "Nothing was deployed on our side since last week.",
    "The network team checked the firewall: the rules are unchanged.",
    "The service is completely unavailable for end customers.",
    "Please call the contact back as soon as possible.",
)

# Words that only a few incidents carry (one in several thousand).
RARE_WORDS = ("hyperviseur", "quarantaine", "kerberos", "mainframe", "tachyon", "zéphyr")
# Words found in a large share of the incidents.
COMMON_WORDS = ("serveur", "users", "réseau", "application")


def reference(rng: random.Random) -> str:
    subjects = FRENCH_SUBJECTS if rng.random() < 0.6 else ENGLISH_SUBJECTS
    return f"{rng.choice(subjects)} – {rng.choice(CITIES)}"


def description(rng: random.Random) -> str:
    french = rng.random() < 0.6
    sentences = FRENCH_SENTENCES if french else ENGLISH_SENTENCES
    chosen = rng.sample(sentences, rng.randint(2, 4))
    if rng.random() < 0.002:
        chosen.append(f"Mot-clé : {rng.choice(RARE_WORDS)}.")
    return " ".join(chosen)
