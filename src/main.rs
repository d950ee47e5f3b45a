#![forbid(unsafe_code)]

fn main() {
    std::process::exit(spoolscope::cli::main());
}
