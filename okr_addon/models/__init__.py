from . import res_company
from . import res_config_settings
from . import okr_cycle
from . import okr_objective
from . import okr_key_result
from . import okr_checkin
from . import hr_employee
from . import hr_department
