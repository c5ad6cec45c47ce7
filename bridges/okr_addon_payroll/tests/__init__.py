from . import test_demo_payroll, test_payroll_posting
