"""Extension objects, created unbound; ``create_app`` binds them with ``init_app``."""
from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from lms.database import Base

db = SQLAlchemy(model_class=Base)
# The base class of every model. Type checkers cannot follow the class Flask-SQLAlchemy builds
# at run time (``db.Model``, a subclass of ``Base``), so they are shown ``Base`` itself.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# The client's address: the peer's, or the one a trusted proxy reports (``TRUSTED_PROXIES``,
# applied by werkzeug's ProxyFix before anything reads ``remote_addr``). Storage comes from
# ``RATELIMIT_STORAGE_URI``: Redis when ``REDIS_URL`` is set, so every worker shares the counts.
limiter = Limiter(key_func=get_remote_address)
