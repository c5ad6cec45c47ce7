"""Incentive explanations are now kept as facts (``explanation_data``) and worded
when read. Lines computed before keep their text: it is moved into the new
column as it was (a plain text is shown as it is)."""


def migrate(cr, version):
    cr.execute(
        """SELECT 1 FROM information_schema.columns
            WHERE table_name = 'okr_incentive_line' AND column_name = 'explanation'"""
    )
    if not cr.fetchone():
        return
    cr.execute(
        """UPDATE okr_incentive_line
              SET explanation_data = explanation
            WHERE explanation_data IS NULL AND explanation IS NOT NULL"""
    )
