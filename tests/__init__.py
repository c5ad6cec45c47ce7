from . import (
    test_connector_attendance,
    test_connector_kpi,
    test_connector_rest,
    test_connector_security,
    test_kpi,
    test_kpi_refresh,
    test_okr_progress,
    test_okr_reminder,
    test_okr_security,
    test_okr_workflow,
)
