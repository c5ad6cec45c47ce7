from . import (
    kpi_cascade_wizard,
    kpi_cascade_wizard_line,
    kpi_measurement_import,
    okr_checkin_feedback,
    okr_connector_upload,
    okr_objective_send_back,
)
