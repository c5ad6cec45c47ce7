from . import okr_incentive_line, okr_objective
