from . import test_connector_jobs, test_i18n
