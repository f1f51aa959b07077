# Copy to instance/config.py. Environment variables take precedence over these values.
# DATABASE_URL = "postgresql+psycopg://crm@localhost/crm"
# MAIL_TRANSPORT = "smtp"
# MAIL_SERVER = "smtp.example.org"
# MAIL_PORT = 587
# MAIL_USE_TLS = True
# MAIL_DEFAULT_SENDER = "nukliD events <events@example.org>"
