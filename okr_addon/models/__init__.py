from . import (
    hr_department,
    hr_employee,
    okr_checkin,
    okr_cycle,
    okr_key_result,
    okr_objective,
    res_company,
    res_config_settings,
)
