from . import hr_payslip, okr_demo, okr_incentive_posting
