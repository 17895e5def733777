// Development aid (not committed): print one state's decisions in one run.
use statecraft::outcome::Catalogue;
use statecraft::simulation::{RunOptions, simulate};
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let loaded = statecraft::scenario::load(std::path::Path::new(&a[1]), &[]).unwrap();
    let w = &loaded.world;
    let profile = w.profile(&a[2]).unwrap();
    let state = w.state_index(&a[3]).unwrap();
    let run: u64 = a[4].parse().unwrap();
    let filter = a.get(5).cloned().unwrap_or_default();
    let cat = Catalogue::new(w);
    let o = simulate(
        w,
        &profile,
        &cat,
        w.run.seed,
        run,
        &RunOptions {
            trace: true,
            ..RunOptions::default()
        },
    )
    .unwrap();
    for d in &o.decisions {
        if d.state != state || !d.decision.contains(&filter) {
            continue;
        }
        print!("{} {:<22}", d.year, d.decision);
        for (k, op) in d.options.iter().enumerate() {
            let v = &op.valuation;
            print!(
                " | {}{} p={:.2} U={:.3} [now {:.3} fut {:.3} oth {:.3} ret {:.3} coe {:.3} rep {:.3} sec {:.3} nrm {:.3} dep {:.3}]",
                if k == d.chosen { "*" } else { "" },
                op.label,
                op.probability,
                v.total(),
                v.own_now,
                v.own_future,
                v.others,
                v.retaliation,
                v.coercion,
                v.reputation,
                v.security,
                v.norms,
                v.dependence
            );
        }
        println!();
    }
    println!("decisions {} near ties {}", o.decision_count, o.near_ties);
}
