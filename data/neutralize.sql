-- A copied database (test, staging) must not call the production systems
-- with production credentials: blank them and stop every connector.
UPDATE okr_connector
   SET api_key = NULL,
       token = NULL,
       username = NULL,
       password = NULL,
       scheduled = false,
       active = false;
