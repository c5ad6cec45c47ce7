from . import (
    hr_attendance,
    hr_department,
    hr_employee,
    kpi_definition,
    kpi_measurement,
    kpi_target,
    okr_checkin,
    okr_cycle,
    okr_key_result,
    okr_objective,
    res_company,
    res_config_settings,
)
