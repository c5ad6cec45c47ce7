"""Pure-Python OKR maths: no Odoo import here, so plain pytest covers it."""
