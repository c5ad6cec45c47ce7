from . import test_dashboard, test_dashboard_json, test_i18n
