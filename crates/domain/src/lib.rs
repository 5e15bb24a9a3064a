//! The rules of Qorgau's work, as pure functions and types that can only be built valid.
//!
//! This crate does no I/O: no database, no network, no files, no clock or randomness of its
//! own (callers pass the time and random numbers in). That keeps every rule testable as a
//! table of inputs and expected outputs, and lets the store and the server trust what they
//! are handed: a [`complaint::NewComplaint`] has been validated, field by field.

pub mod assessment;
pub mod assignment;
pub mod audit;
pub mod calendar;
pub mod clock;
pub mod complaint;
pub mod data;
pub mod error;
pub mod evidence;
mod id_number;
pub mod ids;
pub mod iin;
mod input;
pub mod institution;
pub mod policy;
pub mod priority;
pub mod reference;
pub mod region;
pub mod routing;
pub mod school;
pub mod support;
pub mod synthetic;
pub mod taxonomy;
pub mod triage;

pub use error::{Error, FieldError};
