"""Every consent text registrants have been shown, by version, in full and in both languages.

The texts live here rather than in the gettext catalogue: a consent row names the version and
language it was given in, and that text must never change afterwards (a changed catalogue
would change what people seem to have agreed to). A new wording is a new version; the old
ones stay for the rows that name them.
"""

from dataclasses import dataclass

from crm.consents.models import ConsentPurpose
from crm.vocabulary.places import DEFAULT_LANGUAGE


@dataclass(frozen=True)
class ConsentText:
    version: str
    purpose: ConsentPurpose
    en: str
    de: str

    def in_language(self, language: str) -> str:
        return self.de if language == "de" else self.en


WITHDRAW_EN = "I can withdraw this at any time through the link in my confirmation mail."
WITHDRAW_DE = (
    "Diese Einwilligung kann ich jederzeit über den Link in meiner Bestätigungsmail widerrufen."
)

CONSENT_TEXTS = (
    # The one text of the form before consent was asked by purpose.
    ConsentText(
        "events-2026-11",
        ConsentPurpose.registration,
        en="I agree that Saxony Trade & Invest stores and processes my details to run this event "
        "and to follow up on my company's interest in the nukliD cluster.",
        de="Ich bin einverstanden, dass die Wirtschaftsförderung Sachsen GmbH meine Angaben "
        "speichert und verarbeitet, um diese Veranstaltung durchzuführen und das Interesse "
        "meines Unternehmens am nukliD-Cluster weiterzuverfolgen.",
    ),
    ConsentText(
        "registration-2026-12",
        ConsentPurpose.registration,
        en="I agree that Saxony Trade & Invest stores and processes my details to handle my "
        "registration for this event (confirmation, calendar invitation, reminders, check-in).",
        de="Ich bin einverstanden, dass die Wirtschaftsförderung Sachsen GmbH meine Angaben "
        "speichert und verarbeitet, um meine Anmeldung zu dieser Veranstaltung abzuwickeln "
        "(Bestätigung, Kalendereinladung, Erinnerungen, Einlass).",
    ),
    ConsentText(
        "follow-up-2026-12",
        ConsentPurpose.follow_up,
        en="Optional: Saxony Trade & Invest may contact me after the event about settling my "
        f"company in Saxony. {WITHDRAW_EN}",
        de="Freiwillig: Die Wirtschaftsförderung Sachsen GmbH darf mich nach der Veranstaltung "
        f"zur Ansiedlung meines Unternehmens in Sachsen kontaktieren. {WITHDRAW_DE}",
    ),
    ConsentText(
        "partner-sharing-2026-12",
        ConsentPurpose.partner_sharing,
        en="Optional: Saxony Trade & Invest may pass my name, position and email address to the "
        f"cluster partners I chose to meet, so that they can contact me. {WITHDRAW_EN}",
        de="Freiwillig: Die Wirtschaftsförderung Sachsen GmbH darf meinen Namen, meine Position "
        "und meine E-Mail-Adresse an die Clusterpartner weitergeben, die ich treffen möchte, "
        f"damit diese mich kontaktieren können. {WITHDRAW_DE}",
    ),
)
TEXTS_BY_VERSION = {text.version: text for text in CONSENT_TEXTS}
# The version each purpose is asked with now.
CURRENT_VERSIONS = {
    ConsentPurpose.registration: "registration-2026-12",
    ConsentPurpose.follow_up: "follow-up-2026-12",
    ConsentPurpose.partner_sharing: "partner-sharing-2026-12",
}


def current_text(purpose: ConsentPurpose) -> ConsentText:
    return TEXTS_BY_VERSION[CURRENT_VERSIONS[purpose]]


def text_of(version: str, language: str = DEFAULT_LANGUAGE) -> str | None:
    """The full text of a version in a language; None for a version this registry never had
    (consent versions typed by staff on a contact)."""
    known = TEXTS_BY_VERSION.get(version)
    return known.in_language(language) if known else None
