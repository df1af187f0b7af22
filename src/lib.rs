//! Answerdesk: a knowledge base and self-service support portal that deflects tickets.
//!
//! The folder layout is the architecture. Domain modules own the decisions and know nothing
//! of HTTP; `storage` stores and maps rows into typed values; `http` parses, calls the
//! domain and renders.
//!
//! - [`articles`]: front matter, Markdown to safe HTML and plain text, import/export, editing
//!   and revisions.
//! - [`search`]: the tantivy index, analyzers per language, ranking, suggestions, evaluation.
//! - [`deflection`]: the request flow (where a deflection is decided), drafts, channels,
//!   self-service events and the dashboard's figures.
//! - [`tickets`]: what a ticket is, the rules that set its priority and tags, SLA clocks,
//!   filing, the conversation and the agents' work.
//! - [`i18n`]: the languages customers read the portal in and their message catalogues.
//! - [`attachments`]: files on requests, replies and notes: streamed uploads, type
//!   detection, the content-addressed file store.
//! - [`accounts`]: staff users, roles, password hashing, sessions, the audit log.
//! - [`notifications`]: the email outbox and its sender.
//! - [`limits`]: attempt limits (sign-in, tickets per address), shared by every instance.
//! - [`storage`]: the database (SQLite or PostgreSQL), migrations and queries.
//! - [`http`]: the router (one function), one file per area, the error type, templates.
//! - [`config`]: the typed settings, loaded once; [`app`]: wiring at start-up; [`cli`]: the
//!   command line.
//! - [`display`], [`field_errors`], [`tokens`]: how times read, messages per form field,
//!   unguessable tokens.

pub mod accounts;
pub mod app;
pub mod articles;
pub mod attachments;
pub mod cli;
pub mod config;
pub mod deflection;
pub mod display;
pub mod field_errors;
pub mod http;
pub mod i18n;
pub mod limits;
pub mod notifications;
pub mod search;
pub mod storage;
pub mod tickets;
pub mod tokens;
pub mod widget;
