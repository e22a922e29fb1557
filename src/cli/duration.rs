//! Durations on the command line (`--lock-timeout 30s`), refused with an example
//! instead of the parser's "expected number at 0".

use std::time::Duration;

/// Parses `30s`, `2m`, `1h30m`, … as clap's value parser.
pub(super) fn parse(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text).map_err(|_| {
        "not a duration: write a number and a unit, such as `30s`, `2m` or `1h30m`".to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_what_is_not_one() {
        assert_eq!(parse("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5400)));
        assert!(parse("abc").unwrap_err().contains("such as `30s`"));
        assert!(parse("30").is_err(), "a unit is needed");
    }
}
