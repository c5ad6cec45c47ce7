from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .test_incentive import D, IncentiveCase


class CertificateCase(IncentiveCase):
    """Wang Wu's +500 earns a certificate; Zhang San's −300 and Li Si's 0 do not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._target(cls.scrap, cls.emp_frontline, floor=6.0)
        cls.env["kpi.measurement"].create(
            {
                "definition_id": cls.scrap.id,
                "employee_id": cls.emp_frontline.id,
                "date": D(2026, 11, 10),
                "value": 4.4,  # completion 90%: the 80–100% tier pays nothing
            }
        )
        cls.channel = cls.env["discuss.channel"].create({"name": "Press shop"})
        cls.rule.write(
            {
                "employee_ids": [(4, cls.emp_frontline.id)],
                "print_certificate": True,
                "channel_id": cls.channel.id,
            }
        )

    def _certificates(self, employees=None):
        employees = employees or (self.emp_worker | self.emp_colleague | self.emp_frontline)
        return self.env["ir.attachment"].search(
            [
                ("res_model", "=", "hr.employee"),
                ("res_id", "in", employees.ids),
                ("name", "like", "Honour Certificate"),
            ]
        )

    def _posted_run(self):
        run = self._run()
        run.action_compute()
        self._approve(run)
        run.with_user(self.user_admin).action_post()
        return run


@tagged("post_install", "-at_install")
class TestHonourCertificate(CertificateCase):
    def test_posting_prints_one_certificate_per_achiever(self):
        run = self._posted_run()
        certificates = self._certificates()
        self.assertEqual(len(certificates), 1, "only the paying tier earns a certificate")
        self.assertEqual(certificates.res_id, self.emp_worker.id)
        line = self._line(run, self.emp_worker)
        self.assertEqual(line.certificate_id, certificates)
        self.assertFalse(self._line(run, self.emp_frontline).certificate_id, "a zero line")
        self.assertFalse(self._line(run, self.emp_colleague).certificate_id, "a deduction")
        announcement = self.channel.message_ids.filtered(lambda m: "Wang Wu" in (m.body or ""))
        self.assertEqual(len(announcement), 1)
        self.assertEqual(announcement.attachment_ids.mapped("name"), [certificates.name])
        # Posting again, recomputing and posting again: still one certificate.
        run.with_user(self.user_admin).action_post()
        run.with_user(self.user_admin).action_compute()
        self._approve(run)
        run.with_user(self.user_admin).action_post()
        self.assertEqual(self._certificates(), certificates)

    def test_printing_failure_never_stops_the_posting(self):
        Report = type(self.env["ir.actions.report"])
        failure = UserError("Unable to find Wkhtmltopdf on this system.")
        with patch.object(Report, "_render_qweb_pdf", side_effect=failure):
            run = self._posted_run()
        self.assertEqual(run.state, "posted")
        self.assertTrue(run.posting_ids, "the money is posted")
        self.assertFalse(self._certificates())
        self.assertTrue(
            run.message_ids.filtered(
                lambda m: "Honour certificates could not be printed" in (m.body or "")
            )
        )
        # Once the server prints again, HR prints it from the line.
        line = self._line(run, self.emp_worker).with_user(self.user_admin)
        line.action_print_certificate()
        self.assertEqual(len(self._certificates()), 1)

    def test_no_certificate_without_the_option(self):
        self.rule.print_certificate = False
        self._posted_run()
        self.assertFalse(self._certificates())

    def test_promotion_threshold_earns_a_certificate(self):
        self.rule.promotion_threshold = 85  # Li Si's 90% reaches it, with no money
        run = self._posted_run()
        self.assertEqual(
            set(self._certificates().mapped("res_id")),
            {self.emp_worker.id, self.emp_frontline.id},
        )
        self.assertTrue(self._line(run, self.emp_frontline).certificate_eligible)

    def test_printing_on_demand_is_idempotent_and_for_hr_only(self):
        self.rule.print_certificate = False
        run = self._posted_run()
        line = self._line(run, self.emp_worker).with_user(self.user_admin)
        first = line.action_print_certificate()
        second = line.action_print_certificate()
        self.assertEqual(first, second)
        self.assertEqual(len(self._certificates()), 1)
        certificate = line.sudo().certificate_id
        self.assertEqual(
            first["url"],
            f"/web/content/{certificate.id}?download=true&access_token={certificate.access_token}",
        )
        with self.assertRaises(UserError):
            self._line(run, self.emp_colleague).with_user(
                self.user_admin
            ).action_print_certificate()
        with self.assertRaises(AccessError):
            self._line(run, self.emp_worker).with_user(self.user_worker).action_print_certificate()

    def test_certificate_text_in_english(self):
        run = self._posted_run()
        line = self._line(run, self.emp_worker)
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "okr_addon.action_report_honour_certificate", line.ids
        )
        html = html.decode()
        self.assertIn("Wang Wu", html)
        self.assertIn("Certificate of Honour", html)
        self.assertIn("Scrap bonus", html)
        self.assertIn("≥ 110%", html)
        self.assertIn("Li Na", html, "the manager signs")

    def test_certificate_in_the_employees_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["okr_addon"], ["zh_CN"], overwrite=True)
        self.user_worker.lang = "zh_CN"
        run = self._posted_run()
        line = self._line(run, self.emp_worker)
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "okr_addon.action_report_honour_certificate", line.ids
        )
        html = html.decode()
        self.assertIn("Wang Wu", html)
        self.assertIn("荣誉证书", html)
        self.assertNotIn("Certificate of Honour", html)
        self.assertIn("荣誉证书", line.certificate_id.name)


@tagged("post_install", "-at_install")
class TestCertificateDownload(CertificateCase, HttpCase):
    """An employee downloads their own certificate from /my/okr, nobody else's."""

    def test_own_certificate_only(self):
        run = self._posted_run()
        line = self._line(run, self.emp_worker)
        self.user_worker.password = "okr_worker"
        self.user_colleague.password = "okr_colleague"
        self.authenticate("okr_worker", "okr_worker")
        page = self.url_open("/my/okr")
        self.assertIn(f"/my/okr/certificate/{line.id}", page.text)
        download = self.url_open(f"/my/okr/certificate/{line.id}")
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download.content, line.sudo().certificate_id.raw)
        colleague_line = self._line(run, self.emp_colleague)
        self.assertEqual(self.url_open(f"/my/okr/certificate/{colleague_line.id}").status_code, 404)
        self.authenticate("okr_colleague", "okr_colleague")
        self.assertNotIn("/my/okr/certificate/", self.url_open("/my/okr").text)
        self.assertEqual(self.url_open(f"/my/okr/certificate/{line.id}").status_code, 404)

    def test_hr_downloads_what_they_print(self):
        """An OKR administrator without HR rights prints and downloads the certificate
        (the file belongs to the employee's record, which they may not read)."""
        run = self._posted_run()
        line = self._line(run, self.emp_worker).with_user(self.user_admin)
        action = line.action_print_certificate()
        self.user_admin.password = "okr_admin"
        self.authenticate("okr_admin", "okr_admin")
        download = self.url_open(action["url"])
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download.content, line.sudo().certificate_id.raw)
