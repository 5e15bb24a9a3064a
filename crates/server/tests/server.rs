//! The server's integration tests (one binary): the JSON API and the public pages, each
//! test on SQLite and, when `QORGAU_TEST_POSTGRES_URL` is set, on PostgreSQL.

mod api;
mod support;
mod web;
