"""Closed vocabularies of the domain (DESIGN §2), with their German labels."""

from __future__ import annotations

STATUSES = {"contact": "Kontakt", "active": "Aktiv", "member": "Mitglied"}

SOURCES = {
    "infostand": "Infostand",
    "haustuer": "Haustür",
    "veranstaltung": "Veranstaltung",
    "social_media": "Social Media",
    "wahlkampf_app": "Wahlkampf-App",
    "webformular": "Webformular",
    "import": "Import",
}

TOPICS = {
    "pflege": "Pflege",
    "miete": "Miete",
    "verkehr": "Verkehr",
    "umverteilung": "Umverteilung",
    "frieden": "Frieden",
    "klima": "Klima",
    "bildung": "Bildung",
    "arbeit": "Arbeit",
    "gesundheit": "Gesundheit",
    "antifaschismus": "Antifaschismus",
}

PURPOSES = {
    "information": "Information",
    "call_to_action": "Aktionsaufrufe",
    "newspaper": "Zeitung",
    "volunteering": "Mithilfe",
    "pass_to_branch": "Weitergabe an Gliederung",
}

CHANNELS = {"email": "E-Mail", "phone": "Telefon", "sms": "SMS", "post": "Post"}

OFFICE_KINDS = {
    "geschaeftsstelle": "Geschäftsstelle",
    "buergerbuero": "Bürgerbüro",
    "wahlkreisbuero": "Wahlkreisbüro",
}

ORDER_STATUSES = {
    "requested": "angefragt",
    "approved": "freigegeben",
    "packed": "gepackt",
    "shipped": "versandt",
    "delivered": "zugestellt",
    "cancelled": "storniert",
    "returned": "zurückgekommen",
}

SKILLS = {
    "infostand": "Infostand",
    "plakatieren": "Plakatieren",
    "haustuer": "Haustür",
    "verteilen": "Verteilen",
    "social_media": "Social Media",
    "fahrdienst": "Fahrdienst",
    "veranstaltung": "Veranstaltung",
}

AVAILABILITY = {
    "weekday_day": "werktags tagsüber",
    "weekday_evening": "werktags abends",
    "weekend": "Wochenende",
}

ASSIGNMENT_STATUSES = {
    "proposed": "vorgeschlagen",
    "contacted": "kontaktiert",
    "confirmed": "bestätigt",
    "declined": "abgelehnt",
    "cancelled": "storniert",
}
# An assignment in one of these holds the volunteer and a place of the lead's need.
ACTIVE_ASSIGNMENT_STATUSES = ("proposed", "contacted", "confirmed")

ACTIVITY_KINDS = {
    "created": "Angelegt",
    "status_change": "Statuswechsel",
    "infostand": "Gespräch am Infostand",
    "haustuer": "Gespräch an der Haustür",
    "veranstaltung": "Veranstaltung besucht",
    "email": "E-Mail",
    "call": "Telefonat",
    "call_to_action": "Aktionsaufruf",
    "newspaper_order": "Zeitungsbestellung",
    "volunteer_offer": "Hilfsangebot",
    "assignment": "Vermittlung",
    "note": "Notiz",
    "import": "Importiert",
    "merge": "Zusammengeführt",
    "link_confirm": "Anmeldung bestätigt",
    "link_topics": "Themen selbst geändert",
    "link_unsubscribe": "Selbst abgemeldet",
    "link_lapsed": "Anmeldung verfallen",
}

MAIL_STATUSES = {"queued": "wartet", "sent": "gesendet", "failed": "fehlgeschlagen"}
