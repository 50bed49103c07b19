//! The `serialkit` command: a thin `main` over the library's command-line module (`src/cli/`).

// Decoding allocates many small strings from two threads; mimalloc handles that far better than
// the system allocator (measured: see the README's speed section).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's option numbers (the same in its v2 and v3 headers, `mi_option_e`).
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// By default mimalloc commits whole arenas up front: pages nothing uses count as memory.
extern "C" fn tune_allocator() {
    // SAFETY: the option takes a plain integer; this runs before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0) }
}

/// The first arena is made at the runtime's first allocation, before `main`: on Linux this runs
/// earlier still. Elsewhere `main` sets the option, and it applies from the next arena on.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static TUNE_ALLOCATOR_EARLY: extern "C" fn() = tune_allocator;

fn main() {
    #[cfg(not(target_os = "linux"))]
    tune_allocator();
    std::process::exit(serialkit::cli::run_with(|command| {
        if command == "dupes" {
            // `dupes` builds a few tables that grow, and mimalloc hands freed pages back only
            // after a delay: old copies stayed resident, and peak memory on 1M serials was 66 MB,
            // not 43 MB. `check` frees many small strings, and is 10-20% slower when every free
            // is handed back.
            // SAFETY: the option takes a plain integer; only this thread runs yet.
            unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) }
        }
    }));
}
