//! Qorgau's HTTP server: the JSON API (`api`), the public pages (`web`), the use cases
//! both call (`service`), and what holds them together (configuration, state, keys, rate
//! limits, logs and metrics).

pub mod api;
pub mod auth;
pub mod config;
pub mod delivery;
pub mod error;
pub mod i18n;
pub mod jobs;
pub mod keys;
pub mod observability;
pub mod qr;
pub mod ratelimit;
pub mod service;
pub mod startup;
pub mod state;
pub mod web;
