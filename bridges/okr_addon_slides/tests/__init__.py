from . import test_courses, test_i18n
