//! Answerdesk: a knowledge base and self-service support portal that deflects tickets.
//!
//! The folder layout is the architecture: `articles` (Markdown content and revisions),
//! `storage` (SQLite or PostgreSQL), `http` (routes and pages), `config`, and `app`
//! (wiring them together at start-up).

pub mod app;
pub mod articles;
pub mod cli;
pub mod config;
pub mod http;
pub mod storage;
