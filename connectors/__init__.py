"""Integration adapters of okr_addon: plain Python, no Odoo import.

They bring outside data in (terminal punches, attendances, KPI values, wages)
and push incentive lines out, each behind a small typed API that plain
pytest covers. The Odoo side only calls them and writes what they return.

==========================  ===================================================
module                      what it does
==========================  ===================================================
``http.ApiClient``          JSON over HTTP: one session, timeouts, retries with
                            backoff, auth (API key, bearer, basic), typed errors,
                            answers capped at 20 MB
``retrying``                the one retry policy (tenacity): attempts, backoff,
                            asked-for delays capped, injectable sleep
``network``                 which URLs may be called: https and public
                            addresses only, unless the local network is allowed
``redact``                  secrets out of URLs, messages and raw rows
``attendance.zkteco``       ZKTeco-style terminal CSV -> :class:`Punch` list
``attendance.pairing``      punches -> check-in/check-out pairs with stable ids
``attendance.rest``         paginated REST attendances -> AttendanceRecord list
``payroll.api``             wages and payslip totals in; incentive lines out,
                            idempotent (``Idempotency-Key: <ledger_key>``)
``export``                  incentive lines -> CSV (UTF-8 BOM) and XLSX
``kpi``                     KPI values from CSV or REST -> measurement dicts
``kinds``                   the kinds of connector: per kind, file or API,
                            parser or source, mapping fields, target model
``platforms``               attendance platforms: ``make_platform(code, ...)``,
                            ``PLATFORMS``, ``CREDENTIALS``, ``BASE_URLS``
``platforms.base``          what an adapter gives: users, punches, shift
                            results, a fetch that a quota stops and resumes
``platforms.session``       access tokens (cached, renewed once when refused),
                            frequency-limit waits, platform error codes
``platforms.common``        units (people x days per call), resume state,
                            record loading, time zones: shared by the adapters
``platforms.dingtalk``      DingTalk (钉钉): directory, punches, shift results
``platforms.wecom``         WeCom (企业微信): directory, check-in records ->
                            punches and shift results
``platforms.feishu``        Feishu (飞书): directory, punch flows, shift results
``platforms.fakes``         local fake platform servers with limits and knobs
``testing.FakeRemote``      scripted local HTTP server for tests and demos
==========================  ===================================================

Files. Terminal exports (UTF-8, UTF-8 BOM, GBK or UTF-16; comma, semicolon
or tab; headers as below or ``AC-No.,Name,Date/Time,Status``)::

    No.,Name,Time,State
    1001,Wang Wu,2026-11-02 07:58:12,C/In
    1001,Wang Wu,2026-11-02 17:04:40,C/Out

KPI values::

    KPI Code,Employee Code,Date,Value
    OUTPUT,1001,2026-11-02,412

Samples live in ``data/connectors/``. Other header names are mapped with
``mapping={"timestamp": "Punch time"}``, other date layouts with ``formats``.

Errors. Every parser returns a ``LoadResult``: ``items`` (valid rows),
``errors`` (one :class:`~connectors.errors.PayloadError` per bad row) and
``warnings`` (e.g. pagination cut short). One bad row never blocks the
others; an error row reads::

    row 4, field 'Time': not a valid date/time '2026-11-31 07:55:02'
    (expected e.g. 2026-11-02 08:01:33, 2026-11-02 08:01, 2026/11/02 08:01:33)

with ``.row`` (line number in the file, header = 1; or position across API
pages), ``.field`` (the header or remote field name), ``.reason`` and
``.raw`` (the row as read). A file that cannot be read at all raises
``FileError``; remote failures raise ``TransientError`` (retry later),
``ConfigurationError`` (fix the backend), ``HttpStatusError`` or
``MalformedResponseError``, ``ResponseTooLargeError``, or
``network.AddressRefusedError`` (a local or plain-http address the client may
not call). No message or log line carries a credential.

Example::

    client = ApiClient("https://payroll.example.com/api/",
                       auth={"type": "bearer", "token": token}, timeout=10)
    results = PayrollSink(client, "incentives").push(lines)
    # [PushResult(index=1, ledger_key="INC-2026-11-1001", status="posted"), ...]
"""
