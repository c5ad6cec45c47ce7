from . import okr_objective_send_back
