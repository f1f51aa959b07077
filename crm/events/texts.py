"""The words of the public event pages and registration mail, in German and English."""

from collections.abc import Callable

from crm.vocabulary.places import language_or_default

CONSENT_VERSION = "events-2026-11"

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "events": "Events",
        "upcoming": "Upcoming events",
        "archive": "Past events",
        "no_upcoming": "No upcoming events at the moment.",
        "demo": "Demo",
        "demo_notice": "This is a fictional sample event for trying registration.",
        "registration_closed": "Registration closed",
        "registration_not_open": "Registration opens on {date}.",
        "register": "Register",
        "seats_left": "{count} seats left",
        "waiting_list": "Fully booked: new registrations join the waiting list",
        "cancelled_event": "This event has been cancelled.",
        "when": "When",
        "where": "Where",
        "organiser": "Organiser",
        "name": "Name",
        "email": "Email",
        "company": "Company",
        "position": "Position",
        "country": "Country",
        "language": "Language for mail",
        "needs": "What your company needs",
        "partners": "Cluster partners you would like to meet",
        "questions": "Questions from the organiser",
        "consent": "I agree that WFS stores and processes my details to run this event and to "
        "follow up on my company's interest in the nukliD cluster.",
        "choose": "Please choose",
        "required": "This field is required.",
        "invalid_email": "Please enter a valid email address.",
        "consent_missing": "Please agree to the processing of your details.",
        "unknown_answer": "Please choose one of the offered answers.",
        "too_long": "This is too long.",
        "unknown_country": "Please choose a country from the list.",
        "unknown_language": "Please choose English or German.",
        "unknown_partner": "Please choose partners from the list.",
        "link_in_name": "Please enter a name without web or mail addresses.",
        "registrations_busy": "Many registrations have arrived for this event in the last hour. "
        "Please try again later, or write to the organiser.",
        "received_title": "Thank you",
        "received_body": "We have sent a message to {email}: it confirms your registration "
        "(or your place on the waiting list) and holds your private link to see, change or "
        "cancel it. If you were registered already, it brings that link again.",
        "event_cancelled": "This event has been cancelled; registration is not possible.",
        "window_closed": "Registration for this event is closed.",
        "window_not_open": "Registration for this event has not opened yet.",
        "manage_title": "Your registration",
        "status": "Status",
        "status_confirmed": "confirmed",
        "status_waitlisted": "on the waiting list",
        "status_cancelled": "cancelled",
        "save_changes": "Save changes",
        "changes_saved": "Your changes are saved.",
        "cancel_registration": "Cancel my registration",
        "registration_cancelled": "Your registration is cancelled.",
        "link_expired": "This link has expired because the event is over.",
        "link_unknown": "This link is not valid. Please use the link from your latest mail.",
        "subject_confirmation": "Registration confirmed: {title}",
        "subject_waitlist": "Waiting list: {title}",
        "subject_promotion": "A seat is free for you: {title}",
        "subject_change": "Registration updated: {title}",
        "subject_cancellation": "Registration cancelled: {title}",
        "subject_link": "Your registration link: {title}",
        "mail_greeting": "Dear {name},",
        "mail_confirmation": "your registration for {title} is confirmed. The calendar "
        "invitation is attached.",
        "mail_waitlist": "{title} is fully booked, so you are on the waiting list. We will "
        "write to you as soon as a seat is free.",
        "mail_promotion": "a seat has become free: your registration for {title} is now "
        "confirmed. The calendar invitation is attached.",
        "mail_change": "your registration for {title} has been updated.",
        "mail_cancellation": "your registration for {title} is cancelled.",
        "mail_event_cancelled": "we are sorry: {title} has been cancelled.",
        "mail_link": "here is the link to your registration for {title} again.",
        "mail_manage": "See, change or cancel your registration (keep this link private):",
        "mail_signature": "Saxony Trade & Invest (WFS) and the nukliD cluster",
        "no_seat_free": "No seat is free; raise the capacity first.",
        "capacity_below_confirmed": "The capacity cannot be lower than the confirmed seats.",
    },
    "de": {
        "events": "Veranstaltungen",
        "upcoming": "Kommende Veranstaltungen",
        "archive": "Vergangene Veranstaltungen",
        "no_upcoming": "Zurzeit sind keine Veranstaltungen geplant.",
        "demo": "Demo",
        "demo_notice": "Dies ist eine erfundene Beispielveranstaltung zum Ausprobieren.",
        "registration_closed": "Anmeldung geschlossen",
        "registration_not_open": "Die Anmeldung öffnet am {date}.",
        "register": "Anmelden",
        "seats_left": "Noch {count} Plätze frei",
        "waiting_list": "Ausgebucht: neue Anmeldungen kommen auf die Warteliste",
        "cancelled_event": "Diese Veranstaltung wurde abgesagt.",
        "when": "Wann",
        "where": "Wo",
        "organiser": "Veranstalter",
        "name": "Name",
        "email": "E-Mail",
        "company": "Unternehmen",
        "position": "Position",
        "country": "Land",
        "language": "Sprache der E-Mails",
        "needs": "Was Ihr Unternehmen braucht",
        "partners": "Clusterpartner, die Sie treffen möchten",
        "questions": "Fragen des Veranstalters",
        "consent": "Ich bin einverstanden, dass die WFS meine Angaben speichert und verarbeitet, "
        "um diese Veranstaltung durchzuführen und das Interesse meines Unternehmens am "
        "nukliD-Cluster weiterzuverfolgen.",
        "choose": "Bitte wählen",
        "required": "Bitte füllen Sie dieses Feld aus.",
        "invalid_email": "Bitte geben Sie eine gültige E-Mail-Adresse ein.",
        "consent_missing": "Bitte stimmen Sie der Verarbeitung Ihrer Angaben zu.",
        "unknown_answer": "Bitte wählen Sie eine der angebotenen Antworten.",
        "too_long": "Das ist zu lang.",
        "unknown_country": "Bitte wählen Sie ein Land aus der Liste.",
        "unknown_language": "Bitte wählen Sie Deutsch oder Englisch.",
        "unknown_partner": "Bitte wählen Sie Partner aus der Liste.",
        "link_in_name": "Bitte geben Sie einen Namen ohne Web- oder Mailadressen ein.",
        "registrations_busy": "In der letzten Stunde sind sehr viele Anmeldungen für diese "
        "Veranstaltung eingegangen. Bitte versuchen Sie es später noch einmal oder schreiben Sie "
        "dem Veranstalter.",
        "received_title": "Vielen Dank",
        "received_body": "Wir haben eine Nachricht an {email} geschickt: Sie bestätigt Ihre "
        "Anmeldung (oder Ihren Platz auf der Warteliste) und enthält Ihren persönlichen Link, "
        "um sie anzusehen, zu ändern oder abzusagen. Waren Sie schon angemeldet, bringt sie "
        "diesen Link noch einmal.",
        "event_cancelled": "Diese Veranstaltung wurde abgesagt; eine Anmeldung ist nicht möglich.",
        "window_closed": "Die Anmeldung für diese Veranstaltung ist geschlossen.",
        "window_not_open": "Die Anmeldung für diese Veranstaltung ist noch nicht geöffnet.",
        "manage_title": "Ihre Anmeldung",
        "status": "Status",
        "status_confirmed": "bestätigt",
        "status_waitlisted": "auf der Warteliste",
        "status_cancelled": "storniert",
        "save_changes": "Änderungen speichern",
        "changes_saved": "Ihre Änderungen sind gespeichert.",
        "cancel_registration": "Meine Anmeldung stornieren",
        "registration_cancelled": "Ihre Anmeldung ist storniert.",
        "link_expired": "Dieser Link ist abgelaufen, weil die Veranstaltung vorbei ist.",
        "link_unknown": "Dieser Link ist ungültig. Bitte nutzen Sie den Link aus Ihrer "
        "letzten E-Mail.",
        "subject_confirmation": "Anmeldung bestätigt: {title}",
        "subject_waitlist": "Warteliste: {title}",
        "subject_promotion": "Ein Platz ist frei geworden: {title}",
        "subject_change": "Anmeldung geändert: {title}",
        "subject_cancellation": "Anmeldung storniert: {title}",
        "subject_link": "Ihr Link zur Anmeldung: {title}",
        "mail_greeting": "Guten Tag {name},",
        "mail_confirmation": "Ihre Anmeldung für {title} ist bestätigt. Die Kalendereinladung "
        "liegt bei.",
        "mail_waitlist": "{title} ist ausgebucht, deshalb stehen Sie auf der Warteliste. Wir "
        "schreiben Ihnen, sobald ein Platz frei wird.",
        "mail_promotion": "ein Platz ist frei geworden: Ihre Anmeldung für {title} ist jetzt "
        "bestätigt. Die Kalendereinladung liegt bei.",
        "mail_change": "Ihre Anmeldung für {title} wurde geändert.",
        "mail_cancellation": "Ihre Anmeldung für {title} ist storniert.",
        "mail_event_cancelled": "es tut uns leid: {title} wurde abgesagt.",
        "mail_link": "hier ist noch einmal der Link zu Ihrer Anmeldung für {title}.",
        "mail_manage": "Anmeldung ansehen, ändern oder stornieren (bitte nicht weitergeben):",
        "mail_signature": "Wirtschaftsförderung Sachsen (WFS) und das nukliD-Cluster",
        "no_seat_free": "Kein Platz frei; bitte zuerst die Kapazität erhöhen.",
        "capacity_below_confirmed": "Die Kapazität darf nicht unter den bestätigten Plätzen "
        "liegen.",
    },
}


def translator(language: str | None) -> Callable[..., str]:
    """``t("seats_left", count=3)`` in the given language."""
    words = TEXTS[language_or_default(language)]

    def t(key: str, **values: object) -> str:
        return words[key].format(**values) if values else words[key]

    return t
