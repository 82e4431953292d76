//! One store per directory: a second open is refused with a message, and the lock goes away
//! with the store.

use shangyun_tsdb::{Config, Tsdb, TsdbError};

#[test]
fn a_second_open_of_the_same_directory_is_refused_until_the_first_closes()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let (first, _) = Tsdb::open(dir.path(), Config::default())?;
    match Tsdb::open(dir.path(), Config::default()) {
        Err(TsdbError::InUse(path)) => assert_eq!(path, dir.path()),
        Err(other) => panic!("expected InUse, got {other}"),
        Ok(_) => panic!("two stores opened one directory"),
    }
    first.close();
    let (again, _) = Tsdb::open(dir.path(), Config::default())?;
    again.close();
    Ok(())
}
