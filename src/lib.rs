//! xinyu (心育): a static-site generator and content toolkit for school
//! psychoeducation curricula. See ARCHITECTURE.md for the map.

pub mod check;
pub mod cli;
pub mod commands;
pub mod diagnostic;
pub mod frontmatter;
pub mod gate;
pub mod images;
pub mod live;
pub mod load;
pub mod markdown;
pub mod model;
pub mod plan;
pub mod print;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod signing;
pub mod source;
pub mod verify;
pub mod writer;
