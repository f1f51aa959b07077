from tests.mail.factories import (  # noqa: F401
    create_company,
    create_event,
    create_message,
    create_registration,
    event,
)
