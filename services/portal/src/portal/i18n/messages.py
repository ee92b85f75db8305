"""Every word of the portal, in French and English (a test checks both are there for
every key the templates and the code use)."""

from __future__ import annotations

from typing import Final

from portal.domain.languages import Lang

M = dict[Lang, str]


def _m(fr: str, en: str) -> M:
    return {"fr": fr, "en": en}


MESSAGES: Final[dict[str, M]] = {
    "app.name": _m("Espace client – Incidents", "Customer space – Incidents"),
    # navigation
    "nav.skip": _m("Aller au contenu", "Skip to content"),
    "nav.main": _m("Navigation principale", "Main navigation"),
    "nav.language": _m("Langue", "Language"),
    "nav.queues": _m("Files de tickets", "Ticket queues"),
    "nav.events": _m("Flux d'événements", "Event flow"),
    "nav.dead_letters": _m("Lettres mortes", "Dead letters"),
    "nav.incidents": _m("Mes incidents", "My incidents"),
    "nav.declare": _m("Déclarer un incident", "Report an incident"),
    "nav.dashboard": _m("Tableau de bord", "Dashboard"),
    "nav.map": _m("Carte des sites", "Site map"),
    "nav.contacts": _m("Contacts et notifications", "Contacts and notifications"),
    "nav.sign_out": _m("Se déconnecter", "Sign out"),
    # errors
    "error.home": _m("Retour à l'accueil", "Back to the home page"),
    "error.forbidden.title": _m("Accès refusé", "Access denied"),
    "error.forbidden": _m(
        "Votre profil ne permet pas d'ouvrir cette page.", "Your profile cannot open this page."
    ),
    "error.csrf.title": _m("Formulaire expiré", "Form expired"),
    "error.csrf": _m(
        "Ce formulaire n'est plus valide. Revenez en arrière, rechargez la page et recommencez.",
        "This form is no longer valid. Go back, reload the page and try again.",
    ),
    "error.unavailable.title": _m("Service indisponible", "Service unavailable"),
    "error.unavailable": _m(
        "Un service ne répond pas pour l'instant. Réessayez dans un moment.",
        "A service is not answering right now. Try again in a moment.",
    ),
    "error.not_found.title": _m("Introuvable", "Not found"),
    "error.not_found": _m(
        "Cette page n'existe pas, ou vous n'y avez pas accès.",
        "This page does not exist, or you do not have access to it.",
    ),
    "error.too_many.title": _m("Trop de demandes", "Too many requests"),
    "error.too_many": _m(
        "Trop de demandes en peu de temps. Patientez un instant puis réessayez.",
        "Too many requests in a short time. Wait a moment, then try again.",
    ),
    "error.refused.title": _m("Demande refusée", "Request refused"),
    "error.refused": _m("La demande a été refusée.", "The request was refused."),
    "error.bad_request.title": _m("Demande incorrecte", "Bad request"),
    "error.bad_request": _m(
        "L'adresse demandée contient une valeur incorrecte.",
        "The address asked for holds an incorrect value.",
    ),
    "error.unexpected.title": _m("Erreur inattendue", "Unexpected error"),
    "error.unexpected": _m(
        "Une erreur inattendue s'est produite. Elle a été enregistrée.",
        "An unexpected error occurred. It has been logged.",
    ),
    "feature.unavailable": _m(
        "Cette fonction n'est pas encore disponible.", "This feature is not available yet."
    ),
    # sign-in
    "sign_in.title": _m("Connexion", "Sign in"),
    "sign_in.oidc_intro": _m(
        "Connectez-vous avec votre compte d'entreprise.", "Sign in with your company account."
    ),
    "sign_in.oidc_button": _m("Se connecter", "Sign in"),
    "sign_in.dev_legend": _m(
        "Utilisateur de démonstration (développement)", "Demo user (development)"
    ),
    "sign_in.dev_hint": _m(
        "En développement, choisissez qui vous êtes parmi les utilisateurs de démonstration.",
        "In development, choose who you are among the demo users.",
    ),
    "sign_in.dev_button": _m("Se connecter", "Sign in"),
    "sign_in.unknown_user": _m("Utilisateur inconnu.", "Unknown user."),
    "sign_in.failed": _m(
        "La connexion a échoué. Recommencez.", "Signing in failed. Please try again."
    ),
    "role.customer:visitor": _m("Client (visiteur)", "Customer (visitor)"),
    "role.customer:manager": _m("Client (gestionnaire)", "Customer (manager)"),
    "role.ops:agent": _m("Agent d'exploitation", "Operations agent"),
    "role.ops:supervisor": _m("Superviseur d'exploitation", "Operations supervisor"),
    "role.ops:catalog": _m("Import du catalogue", "Catalog import"),
    # statuses
    "status.registering": _m("En cours d'enregistrement", "Registering"),
    "status.new": _m("Nouveau", "New"),
    "status.acknowledged": _m("Pris en compte", "Acknowledged"),
    "status.in_progress": _m("En cours de traitement", "In progress"),
    "status.pending_customer": _m("En attente de votre réponse", "Waiting for your answer"),
    "status.resolved": _m("Résolu", "Resolved"),
    "status.closed": _m("Clos", "Closed"),
    "status.cancelled": _m("Annulé", "Cancelled"),
    "ops_status.new": _m("Nouveaux", "New"),
    "ops_status.acknowledged": _m("Pris en compte", "Acknowledged"),
    "ops_status.in_progress": _m("En cours", "In progress"),
    "ops_status.pending_customer": _m("En attente client", "Waiting for customer"),
    "ops_status.resolved": _m("Résolus", "Resolved"),
    "ops_status.closed": _m("Clos", "Closed"),
    "ops_status.cancelled": _m("Annulés", "Cancelled"),
    "contract.active": _m("actif", "active"),
    "contract.suspended": _m("suspendu", "suspended"),
    "contract.expired": _m("expiré", "expired"),
    "language.fr": _m("Français", "French"),
    "language.en": _m("Anglais", "English"),
    # reference codes (the services' lists carry their own labels; these are for display)
    "nature.unavailable": _m("Service indisponible", "Service unavailable"),
    "nature.degraded": _m("Service dégradé", "Service degraded"),
    "nature.intermittent": _m("Dysfonctionnement intermittent", "Intermittent malfunction"),
    "nature.security": _m("Incident de sécurité", "Security incident"),
    "nature.other": _m("Autre", "Other"),
    "impacted.one_user": _m("Un utilisateur", "One user"),
    "impacted.several_users": _m("Plusieurs utilisateurs", "Several users"),
    "impacted.one_site": _m("Tous les utilisateurs d'un site", "All users of one site"),
    "impacted.several_sites": _m("Plusieurs sites", "Several sites"),
    "impacted.all_users": _m("Tous les utilisateurs", "All users"),
    "usage.production": _m("Production", "Production"),
    "usage.preproduction": _m("Préproduction", "Pre-production"),
    "usage.backup": _m("Sauvegarde et reprise d'activité", "Backup and disaster recovery"),
    "usage.development": _m("Développement et tests", "Development and testing"),
    "change.created": _m("Ticket créé", "Ticket created"),
    "change.status_changed": _m("Changement de statut", "Status changed"),
    "change.comment_added": _m("Commentaire", "Comment"),
    "change.assigned": _m("Affectation", "Assignment"),
    "change.priority_changed": _m("Priorité modifiée", "Priority changed"),
    "change.sla_breached": _m("Délai dépassé", "Due time passed"),
    # live
    "live.connecting": _m("Connexion au suivi en direct…", "Connecting to live updates…"),
    "live.on": _m("Mis à jour en direct", "Updated live"),
    "live.off": _m(
        "Suivi en direct interrompu : rechargez la page.", "Live updates stopped: reload the page."
    ),
    "live.updated": _m("La liste a été mise à jour.", "The list was updated."),
    # incident list
    "incidents.title": _m("Mes incidents", "My incidents"),
    "incidents.declare": _m("Déclarer un incident", "Report an incident"),
    "incidents.views": _m("Vues de la liste", "List views"),
    "incidents.recent": _m("Récents (7 jours)", "Recent (7 days)"),
    "incidents.all": _m("Tous", "All"),
    "incidents.search": _m("Rechercher des incidents", "Search incidents"),
    "incidents.q": _m("Référence ou numéro", "Reference or number"),
    "incidents.q_hint": _m(
        "Le nom que vous avez donné, ou le numéro INC (même en partie).",
        "The name you gave it, or the INC number (even partly).",
    ),
    "incidents.status": _m("Statut", "Status"),
    "incidents.contract": _m("Contrat", "Contract"),
    "incidents.priority": _m("Priorité", "Priority"),
    "incidents.any": _m("Tous", "Any"),
    "incidents.apply": _m("Filtrer", "Filter"),
    "incidents.caption": _m("Incidents, le plus récent d'abord", "Incidents, latest first"),
    "incidents.col.reference": _m("Référence", "Reference"),
    "incidents.col.number": _m("Numéro", "Number"),
    "incidents.col.status": _m("Statut", "Status"),
    "incidents.col.priority": _m("Priorité", "Priority"),
    "incidents.col.contract": _m("Contrat", "Contract"),
    "incidents.col.occurred": _m("Survenu le", "Occurred"),
    "incidents.col.updated": _m("Mis à jour", "Updated"),
    "incidents.next": _m("Page suivante", "Next page"),
    "incidents.refused": _m("Ces filtres ne sont pas valides.", "These filters are not valid."),
    "incidents.no_reference": _m("(sans référence)", "(no reference)"),
    "incidents.pending_number": _m("numéro à venir", "number to come"),
    "incidents.empty": _m("Aucun incident.", "No incident."),
    # declaration
    "declare.title": _m("Déclarer un incident", "Report an incident"),
    "declare.steps": _m(
        "Contrat et type de demande · Élément concerné · Description · Suivi · Validation",
        "Contract and request type · Concerned element · Description · Follow-up · Validation",
    ),
    "declare.step_contract": _m("1. Contrat et type de demande", "1. Contract and request type"),
    "declare.contract": _m("Contrat", "Contract"),
    "declare.choose": _m("— Choisir —", "— Choose —"),
    "declare.request_type": _m("Type de demande", "Request type"),
    "declare.type_incident": _m("Signaler un incident", "Report an incident"),
    "declare.continue": _m("Continuer", "Continue"),
    "declare.search_label": _m(
        "Ou trouver l'élément par numéro de contrat ou service",
        "Or find the element by contract number or service",
    ),
    "declare.search_hint": _m(
        "Par exemple « 1001 » ou « Flexible Engine ».", "For example “1001” or “Flexible Engine”."
    ),
    "declare.search": _m("Rechercher", "Search"),
    "declare.nothing_found": _m("Aucun élément trouvé.", "No element found."),
    "declare.errors_title": _m(
        "La déclaration n'a pas été envoyée", "The declaration was not sent"
    ),
    "declare.step_element": _m("2. Élément concerné", "2. Concerned element"),
    "declare.element": _m("Élément du parc", "Park element"),
    "declare.no_elements": _m(
        "Ce contrat n'a aucun élément que vous puissiez choisir.",
        "This contract has no element you may choose.",
    ),
    "declare.region": _m("Région", "Region"),
    "declare.region_none": _m("— Sans objet —", "— Not applicable —"),
    "declare.region_hint": _m(
        "Obligatoire quand l'élément fonctionne dans plusieurs régions.",
        "Required when the element runs in several regions.",
    ),
    "declare.step_description": _m("3. Description", "3. Description"),
    "declare.nature": _m("Nature de l'incident", "Nature of the incident"),
    "declare.impacted_users": _m("Utilisateurs impactés", "Impacted users"),
    "declare.main_usage": _m("Usage principal impacté", "Main usage impacted"),
    "declare.occurred_date": _m("Date de l'incident", "Date of the incident"),
    "declare.occurred_time": _m("Heure", "Time"),
    "declare.occurred_hint": _m(
        "L'heure actuelle est proposée ; corrigez-la si besoin.",
        "The current time is proposed; correct it if needed.",
    ),
    "declare.reference": _m("Votre référence", "Your reference"),
    "declare.reference_hint": _m(
        "Le nom que vous donnez à l'incident, pour le retrouver facilement.",
        "The name you give the incident, to find it easily.",
    ),
    "declare.description": _m("Description", "Description"),
    "declare.files": _m("Fichiers joints", "Attached files"),
    "declare.files_hint": _m(
        "Jusqu'à 10 fichiers de {megabytes} Mo au plus (images, PDF, texte, journaux).",
        "Up to 10 files of at most {megabytes} MB (images, PDF, text, logs).",
    ),
    "declare.sending": _m("Envoi…", "Sending…"),
    "declare.step_follow_up": _m("4. Suivi", "4. Follow-up"),
    "declare.site": _m("Site impacté", "Impacted site"),
    "declare.site_none": _m("— Aucun site en particulier —", "— No site in particular —"),
    "declare.onsite": _m("Correspondant sur site", "On-site correspondent"),
    "declare.onsite_name": _m("Nom", "Name"),
    "declare.onsite_phone": _m("Téléphone", "Phone"),
    "declare.interlocutor": _m("Interlocuteur", "Interlocutor"),
    "declare.interlocutor_me": _m("Moi-même ({name})", "Myself ({name})"),
    "declare.interlocutor_other": _m("Choisir un autre interlocuteur", "Choose another"),
    "declare.interlocutor_contact": _m("Interlocuteur", "Interlocutor"),
    "declare.notify": _m("Contacts à notifier", "Contacts to notify"),
    "declare.notify_hint": _m(
        "Choisissez un contact ou saisissez une adresse, et la langue de ses courriels.",
        "Choose a contact or type an address, and the language of their emails.",
    ),
    "declare.notify_contact": _m("Contact {n}", "Contact {n}"),
    "declare.notify_none": _m("— Aucun, ou une adresse —", "— None, or an address —"),
    "declare.notify_email": _m("ou adresse e-mail {n}", "or email address {n}"),
    "declare.notify_language": _m("Langue {n}", "Language {n}"),
    "declare.add_contact": _m("Ajouter un contact", "Add a contact"),
    "declare.cancel": _m("Annuler", "Cancel"),
    "declare.validate": _m("Valider", "Validate"),
    "declare.unavailable": _m(
        "Le service ne répond pas. Rien n'est perdu : validez de nouveau dans un moment "
        "(la déclaration ne sera pas faite deux fois).",
        "The service is not answering. Nothing is lost: validate again in a moment "
        "(the declaration will not be made twice).",
    ),
    "declare.conflict": _m(
        "Ce formulaire avait déjà été validé, puis modifié. Validez de nouveau pour "
        "envoyer une nouvelle déclaration.",
        "This form had already been validated, then changed. Validate again to send it "
        "as a new declaration.",
    ),
    "declare.accepted": _m(
        "Votre déclaration est enregistrée. Elle apparaît dans la liste, puis reçoit son "
        "numéro dans un instant.",
        "Your declaration is registered. It shows in the list, and gets its number in a moment.",
    ),
    "field.required": _m("Ce champ est obligatoire.", "This field is required."),
    "field.required_mark": _m("(obligatoire)", "(required)"),
    "field.bad_date": _m("Saisissez une date (jj/mm/aaaa).", "Enter a date (dd/mm/yyyy)."),
    "field.bad_time": _m("Saisissez une heure (hh:mm).", "Enter a time (hh:mm)."),
    "field.bad_request_type": _m(
        "Seul le signalement d'incident est proposé.", "Only incident reports are offered."
    ),
    "field.invalid": _m("Valeur incorrecte.", "Incorrect value."),
    "field.bad_email": _m(
        "Saisissez une adresse e-mail valide, comme nom@exemple.fr.",
        "Enter a valid email address, like name@example.com.",
    ),
    # uploads
    "upload.unavailable": _m(
        "L'ajout de fichiers n'est pas encore disponible.", "Adding files is not available yet."
    ),
    "upload.unavailable_now": _m(
        "Le service des fichiers ne répond pas ; réessayez.",
        "The file service is not answering; try again.",
    ),
    "upload.remove": _m("Retirer", "Remove"),
    "upload.uploading": _m("Envoi en cours", "Uploading"),
    "upload.uploaded": _m("Fichier ajouté", "File added"),
    "upload.refused": _m("Fichier refusé", "File refused"),
    "upload.too_large": _m(
        "Fichier trop volumineux ({megabytes} Mo au plus).",
        "File too large (at most {megabytes} MB).",
    ),
    "upload.bad_type": _m(
        "Ce type de fichier n'est pas accepté.", "This type of file is not accepted."
    ),
    "upload.length_required": _m("Taille du fichier inconnue.", "Unknown file size."),
    "upload.no_file": _m("Aucun fichier reçu.", "No file received."),
    # incident page
    "incident.registering_title": _m("Déclaration en cours d'enregistrement", "Registering"),
    "incident.back": _m("← Mes incidents", "← My incidents"),
    "incident.open_in_console": _m(
        "Ouvrir dans la console d'exploitation", "Open in the operations console"
    ),
    "incident.declared": _m("Ce qui a été déclaré", "What was declared"),
    "incident.files": _m("Fichiers", "Files"),
    "incident.file": _m("Fichier {n}", "File {n}"),
    "incident.no_files": _m("Aucun fichier.", "No file."),
    "incident.acts": _m("Vos actions", "Your actions"),
    "incident.add_information": _m("Ajouter une information", "Add information"),
    "incident.send_information": _m("Envoyer l'information", "Send the information"),
    "incident.cancel_text": _m("Motif de l'annulation", "Reason for cancelling"),
    "incident.act.confirm": _m("Confirmer la résolution", "Confirm the resolution"),
    "incident.act.reopen": _m("Rouvrir l'incident", "Reopen the incident"),
    "incident.act.cancel": _m("Annuler l'incident", "Cancel the incident"),
    "incident.status": _m("Statut", "Status"),
    "incident.assignee": _m("Pris en charge par", "Handled by"),
    "incident.response_due": _m("Prise en compte attendue avant", "Response due by"),
    "incident.responded": _m("Pris en compte le {at}", "Responded on {at}"),
    "incident.resolution_due": _m("Résolution attendue avant", "Resolution due by"),
    "incident.sla_paused": _m("(délai suspendu)", "(clock paused)"),
    "incident.breached": _m("délai dépassé", "overdue"),
    "incident.due": _m("Délais", "Due times"),
    "incident.no_sla": _m("Pas encore calculés.", "Not computed yet."),
    "incident.registering_note": _m(
        "Votre déclaration est reçue ; le ticket est en cours de création.",
        "Your declaration is received; the ticket is being created.",
    ),
    "incident.timeline": _m("Historique", "Timeline"),
    "incident.no_history": _m("Pas encore d'historique.", "No history yet."),
    "incident.changed_meanwhile": _m(
        "Le ticket a changé entre-temps : voici son état actuel. Recommencez si besoin.",
        "The ticket changed meanwhile: here is how it stands now. Try again if needed.",
    ),
    "incident.not_allowed_now": _m(
        "Cette action n'est pas possible dans l'état actuel du ticket.",
        "This action is not possible in the ticket's current state.",
    ),
    "incident.done.comment": _m("Votre information est ajoutée.", "Your information was added."),
    "incident.done.confirm": _m("Résolution confirmée.", "Resolution confirmed."),
    "incident.done.reopen": _m("Incident rouvert.", "Incident reopened."),
    "incident.done.cancel": _m("Incident annulé.", "Incident cancelled."),
    # dashboard and map
    "dashboard.title": _m("Tableau de bord", "Dashboard"),
    "dashboard.total": _m("{n} incident(s) au total", "{n} incident(s) in all"),
    "dashboard.by_status": _m("Par statut", "By status"),
    "dashboard.by_priority": _m("Par priorité", "By priority"),
    "dashboard.by_contract": _m("Par contrat", "By contract"),
    "dashboard.by_site": _m("Par site", "By site"),
    "dashboard.count": _m("Nombre", "Count"),
    "dashboard.share": _m("Proportion", "Share"),
    "dashboard.none": _m("Aucun.", "None."),
    "dashboard.see_map": _m("Voir la carte des sites", "See the site map"),
    "map.title": _m("Carte des sites", "Site map"),
    "map.description": _m(
        "{n} site(s) placés selon leurs coordonnées ; chaque cercle porte le nombre "
        "d'incidents ouverts, sa couleur la plus haute priorité ouverte.",
        "{n} site(s) placed by their coordinates; each circle carries the number of open "
        "incidents, its colour the highest open priority.",
    ),
    "map.caption": _m(
        "Cercles : incidents ouverts par site. Rouge P1, orange P2, bleu P3, gris P4.",
        "Circles: open incidents per site. Red P1, orange P2, blue P3, grey P4.",
    ),
    "map.table": _m("Les sites et leurs incidents", "The sites and their incidents"),
    "map.open": _m("Incidents ouverts", "Open incidents"),
    "map.highest": _m("Plus haute priorité", "Highest priority"),
    "map.coordinates": _m("Coordonnées", "Coordinates"),
    "map.no_sites": _m("Aucun site avec des coordonnées.", "No site with coordinates."),
    # contacts
    "contacts.title": _m("Contacts et notifications", "Contacts and notifications"),
    "contacts.search": _m("Rechercher un contact", "Search a contact"),
    "contacts.name": _m("Nom", "Name"),
    "contacts.email": _m("E-mail", "Email"),
    "contacts.phone": _m("Téléphone", "Phone"),
    "contacts.language": _m("Langue", "Language"),
    "contacts.language_of": _m("Langue pour {name}", "Language for {name}"),
    "contacts.none": _m("Aucun contact.", "No contact."),
    "contacts.settings": _m("Mes réglages de notification", "My notification settings"),
    "contacts.settings_hint": _m(
        "Les contacts cochés sont proposés à chaque déclaration, dans la langue choisie.",
        "The contacts ticked are proposed on each declaration, in the language chosen.",
    ),
    "contacts.notify_by_default": _m("Notifier par défaut", "Notify by default"),
    "contacts.save": _m("Enregistrer", "Save"),
    "contacts.saved": _m("Réglages enregistrés.", "Settings saved."),
    # operations console
    "ops.queue_title": _m("Files de tickets", "Ticket queues"),
    "ops.by_status": _m("Files par statut", "Queues by status"),
    "ops.filters": _m("Filtres", "Filters"),
    "ops.assignee": _m("Affecté à", "Assignee"),
    "ops.assigned_to_me": _m("Moi", "Me"),
    "ops.unassigned": _m("Personne", "Nobody"),
    "ops.breach": _m("Délai", "Due time"),
    "ops.breached": _m("Dépassé", "Overdue"),
    "ops.not_breached": _m("Dans les délais", "On time"),
    "ops.queue_fallback": _m(
        "La file du service des tickets n'est pas disponible : liste lue depuis la "
        "recherche, sans filtre d'affectation ni de délai.",
        "The ticket store's queue is not available: list read from search, without "
        "assignee or due-time filters.",
    ),
    "ops.organization": _m("Organisation", "Organization"),
    "ops.queue_empty": _m("Aucun ticket dans cette file.", "No ticket in this queue."),
    "ops.back": _m("← Files de tickets", "← Ticket queues"),
    "ops.declared_by": _m("Déclaré par", "Declared by"),
    "ops.acts": _m("Actions", "Actions"),
    "ops.text.comment": _m("Message au client (public)", "Message to the customer (public)"),
    "ops.text.reason": _m("Motif", "Reason"),
    "ops.act.acknowledge": _m("Prendre en compte", "Acknowledge"),
    "ops.act.start": _m("Démarrer le traitement", "Start work"),
    "ops.act.request_info": _m("Demander une information", "Request information"),
    "ops.act.resolve": _m("Résoudre", "Resolve"),
    "ops.act.cancel": _m("Annuler le ticket", "Cancel the ticket"),
    "ops.act.take": _m("Me l'affecter", "Take it"),
    "ops.act.unassign": _m("Libérer", "Release"),
    "ops.act.assign": _m("Affecter", "Assign"),
    "ops.comment": _m("Commentaire", "Comment"),
    "ops.visibility": _m("Visibilité", "Visibility"),
    "ops.internal": _m("Interne", "Internal"),
    "ops.public": _m("Public (visible du client)", "Public (seen by the customer)"),
    "ops.add_comment": _m("Ajouter le commentaire", "Add the comment"),
    "ops.assignment": _m("Affectation", "Assignment"),
    "ops.assignee_sub": _m("Identifiant de l'agent", "Agent's id"),
    "ops.assignee_name": _m("Nom de l'agent", "Agent's name"),
    "ops.priority_override": _m("Forcer la priorité", "Override the priority"),
    "ops.override": _m("Forcer", "Override"),
    "ops.deliveries": _m("Courriels envoyés", "Emails sent"),
    "ops.subject": _m("Sujet", "Subject"),
    "ops.attempts": _m("Tentatives", "Attempts"),
    "ops.no_deliveries": _m("Aucun courriel.", "No email."),
    "ops.events_of_incident": _m(
        "Tous les événements de cet incident", "Every event of this incident"
    ),
    "ops.events_title": _m("Flux d'événements", "Event flow"),
    "ops.correlation_id": _m("Identifiant de corrélation", "Correlation id"),
    "ops.correlation_hint": _m(
        "L'identifiant de la déclaration : tous les événements qui en découlent.",
        "The declaration's id: every event that follows from it.",
    ),
    "ops.event_type": _m("Type", "Type"),
    "ops.journal_unavailable": _m(
        "Le journal des événements n'est pas encore disponible dans la recherche.",
        "Search does not keep the event journal yet.",
    ),
    "ops.time": _m("Heure", "Time"),
    "ops.event_id": _m("Identifiant", "Id"),
    "ops.no_events": _m("Aucun événement.", "No event."),
    "ops.dead_letters_title": _m("Lettres mortes", "Dead letters"),
    "ops.dead_letters_hint": _m(
        "Les messages qu'un service n'a pas pu traiter, avec la raison ; rejouez-les une "
        "fois la cause corrigée.",
        "The messages a service could not handle, with the reason; replay them once the "
        "cause is fixed.",
    ),
    "ops.dead_letters_unsupported": _m(
        "Ce service ne publie pas encore ses lettres mortes.",
        "This service does not expose its dead letters yet.",
    ),
    "ops.dead_letters_none": _m("Aucune lettre morte.", "No dead letter."),
    "ops.reason": _m("Raison", "Reason"),
    "ops.replay_supervisors": _m(
        "Seuls les superviseurs rejouent les lettres mortes.",
        "Only supervisors replay dead letters.",
    ),
    "ops.dead_letter_title": _m("Lettre morte", "Dead letter"),
    "ops.dead_letters_back": _m("← Lettres mortes", "← Dead letters"),
    "ops.service": _m("Service", "Service"),
    "ops.detail": _m("Détail", "Detail"),
    "ops.replays": _m("Rejeux précédents", "Earlier replays"),
    "ops.headers": _m("En-têtes d'origine", "Original headers"),
    "ops.header": _m("En-tête", "Header"),
    "ops.value": _m("Valeur", "Value"),
    "ops.body": _m("Contenu", "Body"),
    "ops.replay": _m("Rejouer", "Replay"),
    "ops.replay_all": _m("Tout rejouer ({service})", "Replay all ({service})"),
    "ops.replay_refused": _m("Le rejeu a été refusé.", "The replay was refused."),
    "ops.replayed": _m("Rejoué.", "Replayed."),
    "ops.done.acknowledge": _m("Ticket pris en compte.", "Ticket acknowledged."),
    "ops.done.start": _m("Traitement démarré.", "Work started."),
    "ops.done.request_info": _m("Information demandée au client.", "Information requested."),
    "ops.done.resolve": _m("Ticket résolu.", "Ticket resolved."),
    "ops.done.cancel": _m("Ticket annulé.", "Ticket cancelled."),
    "ops.done.comment": _m("Commentaire ajouté.", "Comment added."),
    "ops.done.take": _m("Ticket affecté à vous.", "Ticket taken."),
    "ops.done.unassign": _m("Ticket libéré.", "Ticket released."),
    "ops.done.assign": _m("Ticket affecté.", "Ticket assigned."),
    "ops.done.priority": _m("Priorité modifiée.", "Priority changed."),
}
