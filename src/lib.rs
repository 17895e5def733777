//! statecraft: an agent-based simulator for computational international relations.
//!
//! One data flow: a **scenario** file ([`scenario`]) resolves to a **world**
//! ([`world`], plain data); each Monte Carlo run ([`simulation`]) plays the
//! world's yearly **schedule** on the run's mutable **state** ([`state`]), in
//! which the **games** ([`game`]) forecast the consequences of every option
//! with one world model — the trade equilibrium ([`trade`], through
//! [`economy`] and [`policy`]) — and states choose by their **doctrine**'s
//! valuation ([`doctrine`]); each run yields **outcomes** ([`outcome`],
//! [`observation`], [`event`]) that jobs ([`job`], [`montecarlo`]) write to
//! **files** ([`output`]) and summarise ([`stats`], [`retrodiction`],
//! [`report`]). On top, the commands ([`command`], one module per
//! `statecraft` command) turn parsed flags ([`cli`]) into jobs, sweeps and
//! what-ifs and return the text to print; the binary only parses argv, builds
//! the thread pool, draws the progress bar, catches Ctrl-C and maps errors to
//! exit codes. The science is in `docs/model.md` (ODD protocol).
//!
//! # Layers
//!
//! Modules are layered; a module may import only from its own layer or a
//! lower one, and the import graph has no cycle (`tests/layers.rs` reads this
//! table and every `crate::` path in `src/`, and fails naming the offending
//! file and import).
//!
//! | layer | modules | what they hold |
//! |---|---|---|
//! | 1 foundations | `matrix`, `stats`, `trade`, `design`, `montecarlo`, `prior`, `sensitivity`, `abc` | numerics that know nothing of states: the matrix type, statistics, the trade equilibrium solver, experimental designs, random streams and ordered parallel execution, prior distributions, sensitivity analysis (Sobol' sequence, Saltelli and Morris designs and their indices), the ABC-SMC engine with model choice |
//! | 2 world | `doctrine`, `event`, `world` | plain data and pure valuation: the doctrines' valuation of forecast consequences, the event vocabulary, the resolved scenario |
//! | 3 run state | `policy`, `economy`, `security`, `sovereignty`, `outcome`, `state` | one run's mutable state: policies in force and the tariffs they imply, welfare by equilibrium, the security share, the sovereignty cost of membership, the metric catalogue, the state variables, tallies and the decision point |
//! | 4 games | `game` | the choices states make each year: forecasts, then a doctrine's valuation, then logit choice |
//! | 5 schedule | `simulation`, `observation` | one run's yearly schedule, and what is recorded of it |
//! | 6 jobs and outputs | `scenario`, `retrodiction`, `verdict`, `output`, `job`, `sweep`, `whatif`, `calibrate`, `report`, `explain`, `page` | loading scenarios, running and persisting jobs, scoring facts and ranking profiles, calibration and model choice of a scenario (ABC-SMC, kept on disk by generation), printed summaries, reading results back: one state's story, the offline report page |
//! | 7 commands | `cli`, `command` | the flags, and one module per `statecraft` command: build the job, run it, return the text to print |
//!
//! Architecture invariants, each checked by a test where it can be: lower
//! layers never import higher ones; a doctrine's valuation sees only forecast
//! consequences and the decider's viewpoint, never the world or the run; run r
//! draws only from stream r of the seed; nothing is reduced in parallel.
//!
//! The library never reads argv or the environment, never prints, never builds
//! the global thread pool and never uses an unseeded random generator.

pub mod abc;
pub mod calibrate;
pub mod cli;
pub mod command;
pub mod design;
pub mod doctrine;
pub mod economy;
pub mod event;
pub mod explain;
pub mod game;
pub mod job;
pub mod matrix;
pub mod montecarlo;
pub mod observation;
pub mod outcome;
pub mod output;
pub mod page;
pub mod policy;
pub mod prior;
pub mod report;
pub mod retrodiction;
pub mod scenario;
pub mod security;
pub mod sensitivity;
pub mod simulation;
pub mod sovereignty;
pub mod state;
pub mod stats;
pub mod sweep;
pub mod trade;
pub mod verdict;
pub mod whatif;
pub mod world;
