//! The `serialkit` command: a thin face over the library (see `src/cli/`).

mod cli;

fn main() {
    std::process::exit(cli::run());
}
