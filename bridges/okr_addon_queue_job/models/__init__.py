from . import okr_connector, okr_sync_log, okr_sync_log_batch
