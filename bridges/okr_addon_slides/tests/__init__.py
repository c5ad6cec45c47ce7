from . import test_courses
