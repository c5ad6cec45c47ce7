from . import (
    kpi_cascade_wizard,
    kpi_cascade_wizard_line,
    kpi_measurement_import,
    okr_checkin_feedback,
    okr_china_calendar_import,
    okr_connector_upload,
    okr_dispute_settle,
    okr_home,
    okr_incentive_line_withdraw,
    okr_next_cycle_wizard,
    okr_next_cycle_wizard_line,
    okr_objective_send_back,
)
