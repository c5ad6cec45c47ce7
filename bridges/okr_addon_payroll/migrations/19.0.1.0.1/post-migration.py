"""Inputs written before the bridge tracked its share: the share is the sum of
the postings bound to the payslip under the input's code (the rest is manual)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        WITH shares AS (
            SELECT payslip_id, input_code, SUM(amount) AS total
              FROM okr_incentive_posting
             WHERE payslip_id IS NOT NULL AND state IN ('on_payslip', 'paid')
          GROUP BY payslip_id, input_code
        ), carriers AS (
            SELECT DISTINCT ON (i.payslip_id, i.code) i.id, s.total
              FROM hr_payslip_input i
              JOIN shares s ON s.payslip_id = i.payslip_id AND s.input_code = i.code
          ORDER BY i.payslip_id, i.code, i.sequence DESC, i.id DESC
        )
        UPDATE hr_payslip_input i
           SET okr_amount = c.total
          FROM carriers c
         WHERE i.id = c.id
        """
    )
