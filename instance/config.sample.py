# Copy to instance/config.py. Environment variables take precedence over these values.
# DATABASE_URL = "postgresql+psycopg://crm@localhost/crm"
# MAIL_TRANSPORT = "smtp"
# MAIL_SERVER = "smtp.example.org"
# MAIL_PORT = 587
# MAIL_USE_TLS = True
# MAIL_DEFAULT_SENDER = "nukliD events <events@example.org>"
# Outbox, reminders and the staff digest (the values shown are the defaults):
# MAIL_MAX_ATTEMPTS = 8              # then the message is marked failed
# MAIL_RETRY_BASE_SECONDS = 60       # first retry after a minute, then 2, 4, 8 … minutes
# REMINDER_LOCAL_HOUR = 9            # local hour of reminders for all-day events
# DIGEST_LOCAL_HOUR = 7             # staff get their daily follow-up digest from this hour
# DIGEST_TIMEZONE = "Europe/Berlin"  # the zone of that hour and of "today"
# WORKER_INTERVAL_SECONDS = 30       # pause between the worker's passes
