"""The groups of the capability vocabulary, named in both languages, and tags listed by group."""

from collections.abc import Iterable

from wtforms import SelectChoice

from crm.vocabulary.models import Capability, CapabilityGroup
from crm.vocabulary.translated import in_language, text_in

GROUP_LABELS: dict[CapabilityGroup, dict[str, str]] = {
    CapabilityGroup.production: {"en": "Production", "de": "Herstellung"},
    CapabilityGroup.diagnostics: {
        "en": "Diagnostics and theranostics",
        "de": "Diagnostik und Theranostik",
    },
    CapabilityGroup.analytics: {
        "en": "Analytics and quality control",
        "de": "Analytik und Qualitätskontrolle",
    },
    CapabilityGroup.research: {"en": "Research and development", "de": "Forschung und Entwicklung"},
    CapabilityGroup.regulatory: {
        "en": "Clinical trials and regulatory affairs",
        "de": "Klinische Studien und Zulassung",
    },
    CapabilityGroup.handling: {
        "en": "Handling and transport of radioactive substances",
        "de": "Umgang mit und Transport von radioaktiven Stoffen",
    },
    CapabilityGroup.facilities: {
        "en": "Facilities, equipment and software",
        "de": "Anlagen, Ausrüstung und Software",
    },
    CapabilityGroup.other: {"en": "Other", "de": "Sonstiges"},
}


def group_label(group: CapabilityGroup, language: str | None = None) -> str:
    return in_language(GROUP_LABELS[group], language)


def by_group(
    capabilities: Iterable[Capability], language: str | None = None
) -> list[tuple[str, list[Capability]]]:
    """The tags under their group's label, groups in a fixed order, tags by label, both in
    ``language`` (the reader's when not given); groups without tags are left out."""
    listed: dict[CapabilityGroup, list[Capability]] = {group: [] for group in CapabilityGroup}
    for capability in capabilities:
        listed[capability.group].append(capability)
    return [
        (
            group_label(group, language),
            sorted(tags, key=lambda tag: text_in(tag, "label", language).casefold()),
        )
        for group, tags in listed.items()
        if tags
    ]


def grouped_choices(
    capabilities: Iterable[Capability], language: str | None = None
) -> list[SelectChoice]:
    """The tags as form choices by slug, each with its group as ``optgroup``."""
    return [
        SelectChoice(tag.slug, text_in(tag, "label", language), optgroup=group)
        for group, tags in by_group(capabilities, language)
        for tag in tags
    ]
