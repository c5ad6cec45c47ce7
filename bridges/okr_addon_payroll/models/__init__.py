from . import hr_payslip, okr_cycle_demo, okr_incentive_posting
