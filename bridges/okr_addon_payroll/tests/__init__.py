from . import test_payroll_posting
