from . import okr_connector, okr_sync_log
