//! How batch commands tune mimalloc, the `shangyun` binary's global allocator. The binary
//! declares the allocator; this crate holds the workspace's only unsafe code, two FFI calls.

// Option numbers from mimalloc v3's mimalloc.h (the crate's default build); the Rust bindings
// do not name these. The tests check them against the options' defaults.
/// `mi_option_purge_delay`, default 1000 ms.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// `mi_option_page_reclaim_on_free`, default 0: a thread that frees into a page another
/// thread abandoned takes it over only if it made it.
const PAGE_RECLAIM_ON_FREE: libmimalloc_sys::mi_option_t = 35;

/// For a batch job that frees a batch of records and allocates the next every few
/// milliseconds (import, demo load, classify): keep freed memory in the process instead of
/// giving it back to the OS a second later, only for the next batch to fault it in again,
/// zero-filled. 1m-row import into SQLite on 2 cores: 214k–260k page faults and 18.9–21.0 s of
/// CPU with the default, 1.5k and 17.8–17.9 s without purging. The process keeps its peak
/// until it exits; a batch job exits when it is done.
///
/// Also: a page freed into by another thread is taken over by the freeing thread. An import's
/// records are made on the reading thread and freed on the writing one, so the reader would
/// otherwise keep fetching fresh pages (8% of its samples in `mi_page_fresh_alloc`). Same
/// import, alternating runs: 10.3–11.3 s without, 9.9–10.4 s with.
pub fn keep_freed_memory() {
    set(PURGE_DELAY, -1);
    set(PAGE_RECLAIM_ON_FREE, 1);
}

#[allow(unsafe_code)]
fn set(option: libmimalloc_sys::mi_option_t, value: std::ffi::c_long) {
    // SAFETY: sets one integer option; mimalloc reads options when it acts on them.
    unsafe { libmimalloc_sys::mi_option_set(option, value) }
}

#[cfg(test)]
#[allow(unsafe_code)]
fn get(option: libmimalloc_sys::mi_option_t) -> std::ffi::c_long {
    // SAFETY: reads one integer option.
    unsafe { libmimalloc_sys::mi_option_get(option) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_numbers_name_the_options_we_mean() {
        // Taken from mimalloc.h by hand: a wrong number would show other defaults. The purge
        // delay's is 1000 ms; reclaim-on-free (0) sits between generic_collect (10000) and
        // page_full_retain (2).
        assert_eq!(get(PURGE_DELAY), 1000);
        assert_eq!(get(PAGE_RECLAIM_ON_FREE - 1), 10_000);
        assert_eq!(get(PAGE_RECLAIM_ON_FREE), 0);
        assert_eq!(get(PAGE_RECLAIM_ON_FREE + 1), 2);
        keep_freed_memory();
        assert_eq!(get(PURGE_DELAY), -1);
        assert_eq!(get(PAGE_RECLAIM_ON_FREE), 1);
    }
}
