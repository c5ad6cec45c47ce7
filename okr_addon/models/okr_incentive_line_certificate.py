"""Honour certificates: a printed recognition for the lines that reached a tier."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from .okr_pay_guard import trusted

CERTIFICATE_REPORT = "okr_addon.action_report_honour_certificate"


class OkrIncentiveLine(models.Model):
    """A line that reached a paying tier, or its rule's promotion threshold, earns
    an honour certificate when its rule asks for one: a PDF in the employee's
    language, attached to the employee once (printing again reuses it)."""

    _inherit = "okr.incentive.line"

    certificate_id = fields.Many2one(
        "ir.attachment",
        string="Honour Certificate",
        readonly=True,
        copy=False,
        ondelete="set null",
        check_company=True,
        help="The certificate attached to the employee; printing again reuses it.",
    )
    certificate_eligible = fields.Boolean(
        compute="_compute_certificate_eligible",
        help="Ready, and a tier paid something or the promotion threshold was reached.",
    )

    @api.depends("state", "amount", "basis_value", "rule_id.promotion_threshold")
    def _compute_certificate_eligible(self):
        for line in self:
            threshold = line.rule_id.promotion_threshold
            line.certificate_eligible = line.state == "ok" and (
                line.amount > 0 or bool(threshold and line.basis_value >= threshold)
            )

    def _certificate_lang(self):
        """The employee's language (their user's), else the company's; an installed one."""
        Lang = self.env["res.lang"]
        for code in (self.employee_id.user_id.lang, self.company_id.partner_id.lang):
            if code and Lang._lang_get(code):
                return code
        return "en_US"

    def _make_certificates(self):
        """{line id: attachment} of the eligible lines, created for those without
        one (each rendered in its employee's language) and reused for the others."""
        if not self.env.su:
            self.env["okr.incentive.run"]._check_hr()
        lines = self.filtered("certificate_eligible")
        result = {line.id: line.certificate_id for line in lines if line.certificate_id}
        todo = lines.filtered(lambda line: not line.certificate_id)
        if not todo:
            return result
        # HR checked above: the attachment belongs to the employee's record.
        Attachment = self.env["ir.attachment"].sudo()
        Report = self.env["ir.actions.report"].sudo()
        for line in todo:
            lang = line._certificate_lang()
            content, kind = Report.with_context(lang=lang)._render_qweb_pdf(
                CERTIFICATE_REPORT, line.ids
            )
            name = line.with_context(lang=lang)._certificate_filename()
            attachment = Attachment.create(
                {
                    "name": f"{name}.{kind}",
                    "raw": content,
                    "res_model": "hr.employee",
                    "res_id": line.employee_id.id,
                    "company_id": line.company_id.id,
                    "mimetype": "application/pdf" if kind == "pdf" else "text/html",
                }
            )
            trusted(line).write({"certificate_id": attachment.id})
            result[line.id] = attachment
        return result

    def _certificates_on_post(self):
        """Print the certificates of lines being posted whose rule asks for them.

        A certificate is recognition, not pay: when printing fails (no PDF engine on
        the server…) the posting goes on, and the runs' chatter says so; the lines'
        *Print Certificate* button prints them once the cause is solved."""
        lines = self.filtered("rule_id.print_certificate")
        if not lines:
            return
        try:
            with self.env.cr.savepoint():
                lines._make_certificates()
        except UserError as error:
            for run in lines.run_id:
                run.message_post(
                    body=self.env._(
                        "Honour certificates could not be printed: %(reason)s Print them "
                        "from the incentive lines once this is solved.",
                        reason=error.args[0],
                    )
                )

    def _certificate_filename(self):
        return self.env._(
            "Honour Certificate - %(employee)s - %(rule)s - %(period)s",
            employee=self.employee_id.name,
            rule=self.rule_id.name,
            period=self.date_from.strftime("%Y-%m"),
        )

    def action_print_certificate(self):
        """Print the honour certificate of the eligible lines (HR), once per line:
        the stored certificate is downloaded again rather than printed anew."""
        self.env["okr.incentive.run"]._check_hr()
        lines = self.filtered("certificate_eligible")
        if not lines:
            raise UserError(
                self.env._(
                    "No honour certificate for these lines: a certificate needs a ready "
                    "line that reached a paying tier or the promotion threshold."
                )
            )
        certificates = lines._make_certificates()
        if len(lines) == 1:
            # The file belongs to the employee's record, which an OKR administrator
            # without HR rights may not read: HR was checked, the token lets them in.
            certificate = certificates[lines.id].sudo()
            token = certificate.generate_access_token()[0]
            return {
                "type": "ir.actions.act_url",
                "url": f"/web/content/{certificate.id}?download=true&access_token={token}",
                "target": "self",
            }
        return self.env.ref(CERTIFICATE_REPORT).report_action(lines)

    def _certificate_channel_files(self):
        """[(file name, content)] of these lines' certificates, to post in a channel."""
        # Called by _recognize while posting, after action_post checked the HR role.
        certificates = self.sudo().certificate_id
        return [(certificate.name, certificate.raw) for certificate in certificates]
