//! Answerdesk: a knowledge base and self-service support portal that deflects tickets.
//!
//! The folder layout is the architecture: `articles` (Markdown content and revisions),
//! `storage` (SQLite or PostgreSQL), `http` (routes and pages), `config`, and `app`
//! (wiring them together at start-up).

pub mod accounts;
pub mod app;
pub mod articles;
pub mod cli;
pub mod config;
pub mod deflection;
pub mod http;
pub mod notifications;
pub mod search;
pub mod storage;
pub mod tickets;
pub mod tokens;
