from . import test_badges, test_i18n
