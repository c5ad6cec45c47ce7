from . import okr_incentive_line, okr_incentive_rule
