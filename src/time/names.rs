//! The English (C locale) month and weekday names: the one table that
//! formatting, parsing and chart labels all read.

/// `January`..`December`.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `Sunday`..`Saturday` (index 0 is Sunday, as in `struct tm`).
pub const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// `Jan` for month 1..=12.
pub fn month_abbr(month: u32) -> &'static str {
    &MONTHS[(month.clamp(1, 12) - 1) as usize][..3]
}

/// `Sun` for weekday 0..=6 (Sunday = 0).
pub fn weekday_abbr(weekday: u32) -> &'static str {
    &WEEKDAYS[(weekday % 7) as usize][..3]
}

#[cfg(test)]
mod tests {
    #[test]
    fn abbreviations() {
        assert_eq!(super::month_abbr(1), "Jan");
        assert_eq!(super::month_abbr(12), "Dec");
        assert_eq!(super::weekday_abbr(0), "Sun");
        assert_eq!(super::weekday_abbr(6), "Sat");
    }
}
