"""Odoo Python code of okr_addon.

The Odoo parts (``models``, ``wizards``) are imported by the module's root
``__init__.py``; ``logic`` holds pure-Python maths that imports without Odoo.
"""
