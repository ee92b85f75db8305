-- One database per service (CONTRACT.md). The postgres image runs this file once, as
-- POSTGRES_USER, when it initializes an empty data volume; the services create their
-- own tables with their migrations when they start.
--
-- To run it again, remove the volume: `docker compose down --volumes`.

CREATE DATABASE intake;
CREATE DATABASE tickets;
CREATE DATABASE notification;
CREATE DATABASE search;
