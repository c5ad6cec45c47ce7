from . import test_okr_progress, test_okr_reminder, test_okr_security, test_okr_workflow
