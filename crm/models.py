"""Every model module, so that metadata, Alembic and the CLI see the whole schema, and the
audit log's listener over them."""


def import_all() -> None:
    import crm.api.models
    import crm.audit.models
    import crm.audit.recording
    import crm.auth.models
    import crm.consents.models
    import crm.events.models
    import crm.leads.models
    import crm.leads.roadmap
    import crm.mail.models
    import crm.partners.models
    import crm.password_reset.models
    import crm.sites.models
    import crm.vocabulary.models  # noqa: F401
