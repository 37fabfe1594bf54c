//! Times as each reader reads them: in their own time zone and in words ("14:02", "Yesterday",
//! "3 Nov 2026"), with the full date and time on hover. The server sends a moment, never a
//! formatted time; it renders a page in the zone the reader's browser told it (a cookie set by
//! the front end) and the browser renders it again in its own zone once the Wasm has loaded, so
//! a first visit, before the cookie exists, is right too once the page is live.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A moment: milliseconds since 1970-01-01 00:00 UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Moment(pub i64);

#[cfg(feature = "ssr")]
impl From<chrono::DateTime<chrono::Utc>> for Moment {
    fn from(at: chrono::DateTime<chrono::Utc>) -> Self {
        Self(at.timestamp_millis())
    }
}

/// The cookie in which the browser tells the server its IANA time zone (`Europe/London`).
pub const ZONE_COOKIE: &str = "dossier_tz";

/// A moment's calendar date and clock time where the reader is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Local {
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
    pub day: u32,
    /// 0 is Sunday.
    pub weekday: u32,
    pub hour: u32,
    pub minute: u32,
    /// Minutes east of UTC.
    pub offset: i32,
}

const MONTHS: [&str; 12] = [
    crate::text::JANUARY,
    crate::text::FEBRUARY,
    crate::text::MARCH,
    crate::text::APRIL,
    crate::text::MAY,
    crate::text::JUNE,
    crate::text::JULY,
    crate::text::AUGUST,
    crate::text::SEPTEMBER,
    crate::text::OCTOBER,
    crate::text::NOVEMBER,
    crate::text::DECEMBER,
];
const WEEKDAYS: [&str; 7] = [
    crate::text::SUNDAY,
    crate::text::MONDAY,
    crate::text::TUESDAY,
    crate::text::WEDNESDAY,
    crate::text::THURSDAY,
    crate::text::FRIDAY,
    crate::text::SATURDAY,
];

impl Local {
    /// Days since 1970-01-01 of this date (Howard Hinnant's `days_from_civil`).
    fn day_number(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    fn month_name(self) -> &'static str {
        MONTHS[(self.month.clamp(1, 12) - 1) as usize]
    }

    fn clock(self) -> String {
        format!("{:02}:{:02}", self.hour, self.minute)
    }

    /// "3 Nov 2026".
    fn date(self) -> String {
        format!("{} {} {}", self.day, &self.month_name()[..3], self.year)
    }

    /// How long ago, in words, for a list: "14:02" today, "Yesterday", else "3 Nov 2026".
    pub fn brief(self, now: Self) -> String {
        match now.day_number() - self.day_number() {
            0 => self.clock(),
            1 => crate::text::YESTERDAY.into(),
            _ => self.date(),
        }
    }

    /// With the time always: "14:02", "Yesterday 14:02", "3 Nov 2026, 14:02".
    pub fn exact(self, now: Self) -> String {
        match now.day_number() - self.day_number() {
            0 => self.clock(),
            1 => crate::text::yesterday(&self.clock()),
            _ => format!("{}, {}", self.date(), self.clock()),
        }
    }

    /// Everything, for hover: "Friday 27 November 2026, 14:02 (UTC+01:00)".
    pub fn full(self) -> String {
        let sign = if self.offset < 0 { '-' } else { '+' };
        let offset = self.offset.unsigned_abs();
        format!(
            "{} {} {} {}, {} (UTC{sign}{:02}:{:02})",
            WEEKDAYS[(self.weekday % 7) as usize],
            self.day,
            self.month_name(),
            self.year,
            self.clock(),
            offset / 60,
            offset % 60
        )
    }
}

impl Moment {
    /// `2026-11-27T14:02:00Z`, for `<time datetime>`: a machine's reading, in no one's zone.
    pub fn iso(self) -> String {
        let days = self.0.div_euclid(86_400_000);
        let ms = self.0.rem_euclid(86_400_000);
        let (year, month, day) = civil_from_days(days);
        let (h, m, s) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60);
        format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}Z")
    }

    /// This moment where the reader is: in the browser, its own zone; on the server, the zone
    /// the browser told it, else the firm's.
    pub fn local(self) -> Local {
        #[cfg(feature = "hydrate")]
        {
            browser_local(self.0 as f64)
        }
        #[cfg(all(feature = "ssr", not(feature = "hydrate")))]
        {
            server::local(self, server::reader_zone())
        }
        #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
        {
            utc(self)
        }
    }

    /// Now, as a moment.
    pub fn now() -> Self {
        #[cfg(feature = "hydrate")]
        {
            Self(js_sys::Date::now() as i64)
        }
        #[cfg(all(feature = "ssr", not(feature = "hydrate")))]
        {
            chrono::Utc::now().into()
        }
        #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
        {
            Self(0)
        }
    }
}

/// (year, month, day) of a day number (Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn utc(at: Moment) -> Local {
    let days = at.0.div_euclid(86_400_000);
    let ms = at.0.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    Local {
        year: year as i32,
        month,
        day,
        weekday: (days + 4).rem_euclid(7) as u32,
        hour: (ms / 3_600_000) as u32,
        minute: (ms / 60_000 % 60) as u32,
        offset: 0,
    }
}

#[cfg(feature = "hydrate")]
fn browser_local(ms: f64) -> Local {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    Local {
        year: d.get_full_year() as i32,
        month: d.get_month() + 1,
        day: d.get_date(),
        weekday: d.get_day(),
        hour: d.get_hours(),
        minute: d.get_minutes(),
        offset: -(d.get_timezone_offset() as i32),
    }
}

/// Tells the server, for the pages it renders from now on, the browser's time zone.
#[cfg(feature = "hydrate")]
pub fn remember_reader_zone() {
    use wasm_bindgen::JsValue;
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    let Some(zone) = js_sys::Reflect::get(&options, &JsValue::from_str("timeZone"))
        .ok()
        .and_then(|z| z.as_string())
    else {
        return;
    };
    let document = document();
    let cookie = format!("{ZONE_COOKIE}={zone}; path=/; max-age=31536000; samesite=lax");
    let current = js_sys::Reflect::get(&document, &JsValue::from_str("cookie"))
        .ok()
        .and_then(|c| c.as_string())
        .unwrap_or_default();
    if !current
        .split("; ")
        .any(|c| c == format!("{ZONE_COOKIE}={zone}"))
    {
        let _ = js_sys::Reflect::set(&document, &JsValue::from_str("cookie"), &cookie.into());
    }
}

#[cfg(feature = "ssr")]
pub mod server {
    //! The reader's zone on the server: the browser's cookie, else the firm's zone.
    use chrono::{Datelike, Offset, Timelike};

    use super::{Local, Moment, ZONE_COOKIE};

    /// The zone named by the request's cookie, else the firm's (`DOSSIER_TIME_ZONE`).
    pub fn reader_zone() -> chrono_tz::Tz {
        use leptos::prelude::use_context;
        let told = use_context::<http::request::Parts>().and_then(|parts| {
            parts
                .headers
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(';'))
                .find_map(|c| c.trim().strip_prefix(ZONE_COOKIE)?.strip_prefix('='))
                .and_then(|name| name.parse::<chrono_tz::Tz>().ok())
        });
        told.or_else(|| use_context::<crate::state::AppState>().map(|s| s.portal.time_zone))
            .unwrap_or(chrono_tz::UTC)
    }

    pub fn local(at: Moment, zone: chrono_tz::Tz) -> Local {
        let at = chrono::DateTime::from_timestamp_millis(at.0)
            .unwrap_or_default()
            .with_timezone(&zone);
        Local {
            year: at.year(),
            month: at.month(),
            day: at.day(),
            weekday: at.weekday().num_days_from_sunday(),
            hour: at.hour(),
            minute: at.minute(),
            offset: at.offset().fix().local_minus_utc() / 60,
        }
    }
}

/// A moment as the reader reads it: `exact` keeps the time of day for older days (messages,
/// versions); without it a list says only the day.
#[component]
pub fn When(at: Moment, #[prop(optional)] exact: bool) -> impl IntoView {
    // Read again once this very element is hydrated: the server may have used another zone than
    // the browser's. Per element, not per page: what a `Suspense` holds is hydrated later than
    // the page, when its data is there.
    let here = crate::ui::hydrated();
    // In the browser, nothing until then: hydration keeps the server's text and remembers the
    // value it was given, and a later value equal to it would change nothing on the page.
    let ready = move || cfg!(not(feature = "hydrate")) || here.get();
    let text = move || {
        if !ready() {
            return String::new();
        }
        let local = at.local();
        if exact {
            local.exact(Moment::now().local())
        } else {
            local.brief(Moment::now().local())
        }
    };
    let full = move || {
        if !ready() {
            return String::new();
        }
        at.local().full()
    };
    view! { <time datetime=at.iso() title=full>{text}</time> }
}

#[cfg(test)]
mod tests {
    use super::{Local, Moment, civil_from_days};

    fn local(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> Local {
        Local {
            year,
            month,
            day,
            weekday: 5,
            hour,
            minute,
            offset: 60,
        }
    }

    #[test]
    fn times_read_as_words_relative_to_the_readers_today() {
        let now = local(2026, 11, 27, 9, 30);
        assert_eq!(local(2026, 11, 27, 14, 2).brief(now), "14:02");
        assert_eq!(local(2026, 11, 26, 23, 59).brief(now), "Yesterday");
        assert_eq!(local(2026, 11, 26, 23, 59).exact(now), "Yesterday 23:59");
        assert_eq!(local(2026, 11, 3, 8, 5).brief(now), "3 Nov 2026");
        assert_eq!(local(2026, 11, 3, 8, 5).exact(now), "3 Nov 2026, 08:05");
        // Across a month and a year end.
        let new_year = local(2027, 1, 1, 0, 1);
        assert_eq!(local(2026, 12, 31, 23, 0).brief(new_year), "Yesterday");
        let march = local(2028, 3, 1, 0, 1);
        assert_eq!(local(2028, 2, 29, 10, 0).brief(march), "Yesterday");
        assert_eq!(
            local(2026, 11, 27, 14, 2).full(),
            "Friday 27 November 2026, 14:02 (UTC+01:00)"
        );
    }

    #[test]
    fn a_moment_is_written_for_machines_in_utc() {
        assert_eq!(Moment(0).iso(), "1970-01-01T00:00:00Z");
        assert_eq!(Moment(1_795_788_120_000).iso(), "2026-11-27T14:02:00Z");
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(20_513), (2026, 3, 1));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_server_reads_a_moment_in_the_zone_given() {
        let at = Moment(1_795_788_120_000);
        let london = super::server::local(at, chrono_tz::Europe::London);
        assert_eq!((london.hour, london.minute, london.offset), (14, 2, 0));
        let tokyo = super::server::local(at, chrono_tz::Asia::Tokyo);
        assert_eq!((tokyo.day, tokyo.hour, tokyo.offset), (27, 23, 540));
        let new_york = super::server::local(at, chrono_tz::America::New_York);
        assert_eq!((new_york.hour, new_york.offset), (9, -300));
        // Summer time where it applies.
        let july = super::server::local(Moment(1_783_000_000_000), chrono_tz::Europe::London);
        assert_eq!(july.offset, 60);
    }
}
