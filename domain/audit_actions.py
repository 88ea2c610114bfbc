"""German labels for the audit log's action codes and object types (DESIGN §3.3)."""

from __future__ import annotations

from domain.enums import ASSIGNMENT_STATUSES, ORDER_STATUSES

ACTIONS = {
    # Login and accounts
    "login": "Anmeldung",
    "login_failed": "Anmeldung fehlgeschlagen",
    "login_refused_locked": "Anmeldung abgewiesen (Konto gesperrt)",
    "account_locked": "Konto gesperrt (zu viele Fehlversuche)",
    "logout": "Abmeldung",
    "session_resumed": "Sitzung fortgesetzt",
    "session_ended": "Sitzung beendet",
    "sessions_revoked": "Alle Sitzungen beendet",
    "password_changed": "Passwort geändert",
    "email_changed": "Eigene E-Mail-Adresse geändert",
    "password_reset": "Passwort zurückgesetzt",
    "user_created": "Benutzer:in angelegt",
    "user_role_changed": "Rolle geändert",
    "user_deactivated": "Benutzer:in deaktiviert",
    "user_reactivated": "Benutzer:in reaktiviert",
    "user_unlocked": "Benutzer:in entsperrt",
    # Organisation
    "kv_created": "Kreisverband angelegt",
    "kv_renamed": "Kreisverband umbenannt",
    "kreis_moved": "Kreis einem anderen Kreisverband zugeordnet",
    "office_created": "Geschäftsstelle angelegt",
    "office_edited": "Geschäftsstelle geändert",
    "office_closed": "Geschäftsstelle geschlossen",
    "office_reopened": "Geschäftsstelle wieder geöffnet",
    "offices_imported": "Geschäftsstellen importiert",
    "plz_kreis_corrected": "PLZ einem anderen Kreis zugeordnet",
    # Linksaktive
    "contact_created": "Linksaktive:n angelegt",
    "contact_opened": "Linksaktive:n geöffnet",
    "contact_open": "Linksaktive:n geöffnet (Zeitungsbestellung)",
    "contact_updated": "Stammdaten geändert",
    "contact_status_changed": "Status geändert",
    "contact_topics_changed": "Themen geändert",
    "contact_activity_added": "Eintrag in der Zeitleiste",
    "consent_granted": "Einwilligung erteilt",
    "consent_withdrawn": "Einwilligung widerrufen",
    "contacts_exported": "Liste exportiert",
    "contacts_topic_bulk": "Themen für mehrere gesetzt",
    "contacts_merged": "Dubletten zusammengeführt",
    "duplicates_kept_apart": "Dubletten getrennt gelassen",
    "duplicates_scanned": "Dubletten gesucht",
    "contacts_imported": "Import",
    "import_rolled_back": "Import zurückgenommen",
    "mapping_preset_saved": "Import-Zuordnung gespeichert",
    # Karte
    "map_plz_persons": "Personen einer PLZ angezeigt",
    "export_whitespots": "Weiße Flecken exportiert",
    # Zeitung
    "newspaper_edition_create": "Zeitungsausgabe angelegt",
    "newspaper_edition_stock": "Zeitungsbestand geändert",
    "newspaper_order_create": "Zeitung bestellt",
    "newspaper_order_cancelled_no_consent": "Zeitungsbestellung storniert: keine Einwilligung mehr",
    "newspaper_batch_create": "Sammelbestellung",
    "newspaper_free_list_order": "Gratis-Versand bestellt",
    "newspaper_bulk_undo": "Versandschritt rückgängig gemacht",
    "newspaper_export_labels": "Etiketten erstellt",
    "newspaper_export_packing": "Packliste (CSV) erstellt",
    "newspaper_export_packing_pdf": "Packliste (PDF) erstellt",
    "newspaper_export_postal": "Post-Upload erstellt",
    # Helfer:innen
    "offer_create": "Hilfsangebot erfasst",
    "offer_withdraw": "Hilfsangebot zurückgezogen",
    "lead_create": "Bedarf erfasst",
    "lead_update": "Bedarf geändert",
    "matching_run": "Vermittlung berechnet",
    "assignment_manual": "Vermittlung von Hand",
    "assignment_accept": "Vermittlung angenommen",
    "assignment_batch": "Mehrere Vermittlungen geändert",
    "volunteer_handover": "Helfer:in übergeben",
    # Aktionsaufrufe
    "call_create": "Aktionsaufruf angelegt",
    "call_update": "Aktionsaufruf geändert",
    "call_send": "Aktionsaufruf versandt",
    "call_test_mail": "Testmail eines Aktionsaufrufs",
    "call_delete": "Aktionsaufruf gelöscht",
    "call_response": "Antwort auf Aktionsaufruf",
    # Persönliche Links (ohne Anmeldung)
    "link_signup_confirmed": "Anmeldung bestätigt (persönlicher Link)",
    "link_topics_changed": "Themen geändert (persönlicher Link)",
    "link_unsubscribed": "Abgemeldet (persönlicher Link)",
    "signup_lapsed": "Unbestätigte Anmeldung verfallen",
    # Linksaktiv-Info und Befragungen
    "info_create": "Linksaktiv-Info angelegt",
    "info_update": "Linksaktiv-Info geändert",
    "info_delete": "Linksaktiv-Info gelöscht",
    "info_send": "Linksaktiv-Info versandt",
    "survey_create": "Befragung angelegt",
    "survey_update": "Befragung geändert",
    "survey_delete": "Befragung gelöscht",
    "survey_send": "Befragung versandt",
    "survey_answer": "Befragung beantwortet",
    "survey_answer_changed": "Antwort auf Befragung geändert",
    "survey_export": "Ergebnisse einer Befragung exportiert",
    "survey_export_text": "Freitexte einer Befragung exportiert",
    # Datenschutz
    "dsr_registered": "Datenschutz-Anfrage erfasst",
    "dsr_access_exported": "Auskunft erzeugt",
    "dsr_access_sent": "Auskunft als versendet markiert",
    "dsr_rectification_done": "Berichtigung erledigt",
    "dsr_erasure_done": "Person gelöscht (Art. 17)",
    "dsr_objection_done": "Widerspruch umgesetzt",
    "dsr_rejected": "Datenschutz-Anfrage abgelehnt",
    "retention_run": "Löschfristen geprüft",
    "retention_erased": "Nach Löschfrist gelöscht",
    "erasure_reapplied": "Löschung nach Wiederherstellung wiederholt",
    "backup_restored": "Sicherung wiederhergestellt",
}
# Status steps whose codes are built from a status: newspaper_order_<status>, assignment_<status>.
ACTIONS.update({f"newspaper_order_{k}": f"Zeitungsbestellung: {v}" for k, v in ORDER_STATUSES.items()})
ACTIONS.update({f"assignment_{k}": f"Vermittlung {v}" for k, v in ASSIGNMENT_STATUSES.items()})

OBJECT_TYPES = {
    "user": "Benutzerkonto",
    "contact": "Linksaktive:r",
    "contact_list": "Liste",
    "kreis": "Kreis",
    "kreisverband": "Kreisverband",
    "land": "Landesverband",
    "office": "Geschäftsstelle",
    "plz": "PLZ",
    "map": "Karte",
    "import_batch": "Import",
    "mapping_preset": "Import-Zuordnung",
    "newspaper_edition": "Zeitungsausgabe",
    "dispatch_order": "Zeitungsbestellung",
    "volunteer_offer": "Hilfsangebot",
    "campaign_lead": "Bedarf",
    "assignment": "Vermittlung",
    "call_to_action": "Aktionsaufruf",
    "call_delivery": "Aktionsaufruf-Zustellung",
    "info_mailing": "Linksaktiv-Info",
    "survey": "Befragung",
    "survey_response": "Antwort auf Befragung",
    "data_subject_request": "Datenschutz-Anfrage",
    "retention": "Löschfristen",
    "backup": "Sicherung",
}


def action_label(code: str) -> str:
    """The German label of an audit action code; an unknown code is shown as it is."""
    return ACTIONS.get(code, code)


def object_label(code: str) -> str:
    """The German name of an audited object type; an unknown or empty one as it is."""
    return OBJECT_TYPES.get(code, code)


# Detail keys the audit writes most, in German; a key not listed is shown as it is.
DETAIL_KEYS = {
    "session_ref": "Sitzung",
    "sessions_ended": "beendete Sitzungen",
    "reason": "Grund",
    "role": "Rolle",
    "kv_id": "KV-Nr.",
    "land_code": "Land",
    "land": "Land",
    "contact_id": "Person Nr.",
    "user_id": "Konto Nr.",
    "username": "Benutzername",
    "count": "Anzahl",
    "rows": "Zeilen",
    "fields": "Felder",
    "status": "Status",
    "from_status": "von Status",
    "to_status": "zu Status",
    "source": "Quelle",
    "kind": "Art",
    "purpose": "Zweck",
    "channel": "Kanal",
    "topics": "Themen",
    "topic": "Thema",
    "orders": "Bestellungen",
    "order_ids": "Bestellungen Nr.",
    "orders_cancelled": "stornierte Bestellungen",
    "copies": "Exemplare",
    "edition_id": "Ausgabe Nr.",
    "mails": "Mails",
    "mail_id": "Mail Nr.",
    "recipients": "Empfänger:innen",
    "offer_id": "Angebot Nr.",
    "lead_id": "Wahlkampfleitung Nr.",
    "skill": "Fähigkeit",
    "skills": "Fähigkeiten",
    "from_ags": "von Kreis",
    "to_ags": "zu Kreis",
    "kreis_ags": "Kreis",
    "file_name": "Datei",
    "total": "gesamt",
    "months": "Monate",
    "reach_km": "Reichweite (km)",
    "region_level": "Region",
    "title": "Titel",
    "people": "Personen",
    "contacts": "Personen",
    "cancelled": "storniert",
    "response": "Antwort",
    "info_id": "Info Nr.",
    "survey_id": "Befragung Nr.",
    "questions": "Fragen",
    "shared": "weitergegeben",
    "changed": "geändert",
    "ref": "aus der Mail",
    "consents": "Einwilligungen",
    "days": "Tage",
    "added": "hinzugefügt",
    "removed": "entfernt",
    "mails_cancelled": "stornierte Mails",
}


def details_text(details: dict | None) -> str:
    """Audit details as 'Schlüssel: Wert' pairs with German keys, '–' when there are none."""
    if not details:
        return "–"

    def value(v) -> str:
        if isinstance(v, bool):
            return "ja" if v else "nein"
        if isinstance(v, list | tuple):
            return ", ".join(str(x) for x in v)
        return str(v)

    return "; ".join(f"{DETAIL_KEYS.get(k, k)}: {value(v)}" for k, v in details.items())
