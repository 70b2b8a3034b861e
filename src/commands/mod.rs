//! One module per command.

pub mod build;
pub mod calendar;
pub mod pack;
pub mod print;
