from . import hr_employee_profile
