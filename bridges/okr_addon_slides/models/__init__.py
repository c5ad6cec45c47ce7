from . import okr_incentive_rule, okr_training_recommendation
