from . import hr_employee_profile, okr_honour_certificate
