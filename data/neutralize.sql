-- A copied database (test, staging) must not call the production systems
-- with production credentials: blank them and stop every connector.
UPDATE okr_connector
   SET api_key = NULL,
       token = NULL,
       username = NULL,
       password = NULL,
       platform_secret = NULL,
       platform_token = NULL,
       platform_token_expiry = NULL,
       platform_resume = NULL,
       scheduled = false,
       active = false;
