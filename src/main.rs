//! The `serialkit` command: a thin `main` over the library's command-line module (`src/cli/`).

// Decoding allocates many small strings from two threads; mimalloc handles that far better than
// the system allocator (measured: see the README's speed section).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(serialkit::cli::run());
}
