//! One world model, three valuations (docs/model.md §4): the forecast a state
//! computes for every option of every decision is the same whatever doctrine
//! it holds; only the utilities differ.
//!
//! A flagship run is recorded with a state (Kazakhstan, Russia, Ukraine)
//! deciding as the scenario says;
//! then it is replayed with that state under each other doctrine, making the
//! same choices (it still draws its random numbers, so every stream stays
//! aligned). Every forecast the state computes on the way must be identical,
//! to the bit, to the recorded one.

use statecraft::doctrine::Doctrine;
use statecraft::outcome::Catalogue;
use statecraft::simulation::{RunOptions, simulate};
use std::path::Path;

#[test]
fn every_forecast_of_a_state_is_the_same_whatever_its_doctrine() {
    let loaded =
        statecraft::scenario::load(Path::new("scenarios/kazakhstan_wto_eaeu.toml"), &[]).unwrap();
    let world = &loaded.world;
    let catalogue = Catalogue::new(world);
    // Kazakhstan, the union's leader and the complainant of the pipes case.
    for (code, run) in [("KAZ", 0), ("KAZ", 5), ("RUS", 1), ("UKR", 2)] {
        let state = world.state_index(code).unwrap();
        let recorded = simulate(
            world,
            &world.scenario_profile(),
            &catalogue,
            world.run.seed,
            run,
            &RunOptions {
                trace: true,
                observe: Some(state),
                ..RunOptions::default()
            },
        )
        .unwrap();
        let choices: Vec<usize> = recorded
            .decisions
            .iter()
            .filter(|d| d.state == state)
            .map(|d| d.chosen)
            .collect();
        assert!(
            recorded.forecasts.len() > 30,
            "{code} decides every year: {} decisions",
            recorded.forecasts.len()
        );
        for doctrine in Doctrine::ALL
            .into_iter()
            .filter(|&d| d != world.states[state].doctrine)
        {
            let profile = world.focus_profile(state, doctrine);
            let replayed = simulate(
                world,
                &profile,
                &catalogue,
                world.run.seed,
                run,
                &RunOptions {
                    trace: true,
                    observe: Some(state),
                    replay: Some((state, choices.clone())),
                    ..RunOptions::default()
                },
            )
            .unwrap();
            if let Some(k) = (0..recorded.events.len())
                .find(|&k| recorded.events.get(k) != replayed.events.get(k))
            {
                panic!(
                    "run {run}: the replay as a {doctrine} leaves the run at event {k}: {:?} vs {:?}",
                    recorded.events[k],
                    replayed.events.get(k)
                );
            }
            assert_eq!(replayed.events.len(), recorded.events.len());
            assert_eq!(recorded.forecasts.len(), replayed.forecasts.len());
            for (a, b) in recorded.forecasts.iter().zip(&replayed.forecasts) {
                assert_eq!(
                    a, b,
                    "run {run}, {} {}: {code}'s forecast differs as a {doctrine}",
                    a.year, a.decision
                );
            }
            // Same consequences, different valuations.
            let utilities = |o: &statecraft::outcome::RunOutcome| -> Vec<f64> {
                o.decisions
                    .iter()
                    .filter(|d| d.state == state)
                    .flat_map(|d| d.options.iter().map(|p| p.valuation.total()))
                    .collect()
            };
            assert_ne!(
                utilities(&recorded),
                utilities(&replayed),
                "{code} as a {doctrine} values the same options as the scenario's doctrine does"
            );
        }
    }
}
