//! The `serialkit` command: a thin face over the library (see `src/cli/`).

mod cli;

// Decoding allocates many small strings from two threads; mimalloc handles that far better than
// the system allocator (measured: see the README's speed section).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}
