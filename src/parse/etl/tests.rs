use super::*;
use crate::parse::markers::Markers;

#[test]
fn dbg_print() {
    let m = Markers::builtin().expect("m");
    let opts = ParseOptions::utc(&m);
    for f in [
        "CldFlt0-2025-12-21-121418.etl",
        "waasmedic.20251005_113019_195.etl",
        "SIH.20230422.034724.362.1.etl",
    ] {
        let b = std::fs::read(format!("tests/fixtures/etl/{f}")).expect("r");
        let o = parse(b.as_slice(), Path::new(f), &opts).expect("p");
        for e in o.events.iter().take(4) {
            println!("{} {:?} {} {:?}", e.line, e.time, e.excerpt, e.values);
        }
        println!(
            "lines {} notes {:?} problems {:?}",
            o.lines, o.notes, o.problems
        );
    }
}
