from . import hr_payslip, hr_payslip_input, okr_incentive_posting, okr_incentive_run
