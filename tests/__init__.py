from . import (
    test_alerts,
    test_incentive,
    test_kpi,
    test_kpi_refresh,
    test_okr_progress,
    test_okr_reminder,
    test_okr_security,
    test_okr_workflow,
    test_self_service,
)
