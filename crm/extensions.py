"""Flask extensions, created once here and bound to an application in ``create_app``."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from crm.db import Base
from crm.problems import ProblemApi

db = SQLAlchemy(model_class=Base)
# The base of every model: Flask-SQLAlchemy's model class, which type checkers see as ``Base``.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
mail = Mail()
login = LoginManager()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)
api = ProblemApi()
