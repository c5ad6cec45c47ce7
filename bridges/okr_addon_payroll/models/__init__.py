from . import hr_payslip, okr_incentive_posting
