from . import test_badges
