"""gunicorn reads this file from the project folder (``scripts/start`` starts it there)."""

from crm.serving import AccessLog, hide_product_name

hide_product_name()
logger_class = AccessLog
