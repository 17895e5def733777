//! statecraft: an agent-based simulator for computational international relations.
//!
//! One data flow: a **scenario** file ([`scenario`]) resolves to a **world**
//! ([`world`]); each Monte Carlo run ([`montecarlo`]) plays the world's
//! **rounds** ([`simulation`]), in which states choose by their doctrine
//! ([`doctrine`]) in the games ([`game`]); each run yields **outcomes**
//! ([`outcome`]) that are summarised ([`stats`]) and written to **files**
//! ([`output`]). The science is in `docs/model.md` (ODD protocol).
//!
//! On top, the commands ([`command`], one module per `statecraft` command)
//! turn parsed flags ([`cli`]) into jobs, sweeps and what-ifs and return the
//! text to print; the binary only parses argv, builds the thread pool, draws
//! the progress bar, catches Ctrl-C and maps errors to exit codes.
//!
//! The library never reads argv or the environment, never prints, never builds
//! the global thread pool and never uses an unseeded random generator.

pub mod cli;
pub mod command;
pub mod doctrine;
pub mod economy;
pub mod game;
pub mod institution;
pub mod job;
pub mod montecarlo;
pub mod outcome;
pub mod output;
pub mod report;
pub mod retrodiction;
pub mod scenario;
pub mod simulation;
pub mod stats;
pub mod sweep;
pub mod trade;
pub mod whatif;
pub mod world;
