//! How batch commands tune mimalloc, the `shangyun` binary's global allocator. The binary
//! declares the allocator; this crate holds the workspace's only unsafe code, one FFI call.

/// `mi_option_purge_delay` in mimalloc.h (the same number in mimalloc v2 and v3; the Rust
/// bindings do not name it). Default 1000 ms in v3.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// For a batch job that frees a batch of records and allocates the next every few
/// milliseconds (import, demo load, classify): keep freed memory in the process instead of
/// giving it back to the OS a second later, only for the next batch to fault it in again,
/// zero-filled. 1m-row import into SQLite on 2 cores: 214k–260k page faults and 18.9–21.0 s of
/// CPU with the default, 1.5k and 17.8–17.9 s without purging. The process keeps its peak
/// until it exits; a batch job exits when it is done.
#[allow(unsafe_code)]
pub fn keep_freed_memory() {
    // SAFETY: sets one integer option; mimalloc reads it when it next considers purging.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(unsafe_code)]
    fn purge_delay_is_the_option_we_set() {
        // The number is taken from mimalloc.h by hand: if it named another option, its
        // default would not be the purge delay's 1000 ms.
        let get = |option| unsafe { libmimalloc_sys::mi_option_get(option) };
        assert_eq!(get(PURGE_DELAY), 1000);
        keep_freed_memory();
        assert_eq!(get(PURGE_DELAY), -1);
    }
}
