from . import test_connector_jobs
