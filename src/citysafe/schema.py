"""Every domain's tables, imported so that ``Base.metadata`` is complete."""

from citysafe.accounts import models as accounts_models  # noqa: F401
from citysafe.areas import models as areas_models  # noqa: F401
from citysafe.audit import models as audit_models  # noqa: F401
from citysafe.crime import models as crime_models  # noqa: F401
from citysafe.db import Base
from citysafe.demo import models as demo_models  # noqa: F401
from citysafe.havens import models as havens_models  # noqa: F401
from citysafe.homes import models as homes_models  # noqa: F401
from citysafe.homes import models_requests as homes_requests_models  # noqa: F401
from citysafe.homes import models_visits as homes_visits_models  # noqa: F401
from citysafe.schemes import models as schemes_models  # noqa: F401

metadata = Base.metadata
