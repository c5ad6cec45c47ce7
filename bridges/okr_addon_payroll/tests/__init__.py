from . import test_demo_payroll, test_i18n, test_payroll_posting
