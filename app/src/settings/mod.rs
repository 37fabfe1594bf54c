//! The firm's settings: session timeouts, the step-up window of MFA conversations, whether staff
//! must use two-step verification, text messages, and how clients sign in. Administrators change
//! them at `/settings`.

pub mod api;
pub mod brand;
#[cfg(feature = "ssr")]
pub mod logo;
mod logo_ui;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::testid;
use crate::{
    AppError,
    ui::{ErrorNote, error_of, hydrated},
};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FirmSettings {
    /// A session not used for this long ends.
    pub idle_timeout_minutes: i32,
    /// A session ends this long after sign-in, however busy.
    pub session_lifetime_hours: i32,
    /// How long a passed second factor opens MFA conversations.
    pub step_up_window_hours: i32,
    /// Administrators and staff must set up an authenticator app before they work.
    pub staff_two_step_required: bool,
    /// Invitations and codes may go out by text message (when the server has an SMS gateway).
    pub sms_enabled: bool,
    /// Clients sign in with a one-time link sent by email instead of a password.
    pub client_sign_in_by_link: bool,
    /// What has been in a matter's trash this many days is deleted for good (unless the matter
    /// is on legal hold).
    pub trash_retention_days: i32,
    /// The client guide's welcome paragraph (plain text).
    pub guide_welcome: String,
    /// How clients reach the firm, at the end of the guide (plain text).
    pub guide_contact: String,
    /// The firm's name in place of the software's (empty: none).
    pub firm_name: String,
    /// The firm's accent colour, `#rrggbb` (empty: the default).
    pub accent_colour: String,
    /// ISO 3166 code (`GB`) of the country mobile numbers without `+` are read in (empty: none).
    pub mobile_country: String,
    /// How long after writing a message its author may still edit or delete it (0: never).
    #[serde(default = "default_edit_minutes")]
    pub message_edit_minutes: i32,
    /// The email saying a protected conversation has something to read goes to everyone,
    /// whatever they chose for email.
    #[serde(default)]
    pub protected_email_required: bool,
}

fn default_edit_minutes() -> i32 {
    15
}

impl Default for FirmSettings {
    fn default() -> Self {
        Self {
            // ASVS 4.0 3.3.2, level 2: re-authentication after 30 minutes idle or 12 hours.
            idle_timeout_minutes: 30,
            session_lifetime_hours: 12,
            step_up_window_hours: 12,
            staff_two_step_required: false,
            sms_enabled: true,
            client_sign_in_by_link: false,
            trash_retention_days: 30,
            guide_welcome: String::new(),
            guide_contact: String::new(),
            firm_name: String::new(),
            accent_colour: String::new(),
            mobile_country: String::new(),
            message_edit_minutes: default_edit_minutes(),
            protected_email_required: false,
        }
    }
}

pub const IDLE_MINUTES: std::ops::RangeInclusive<i32> = 5..=24 * 60;
pub const LIFETIME_HOURS: std::ops::RangeInclusive<i32> = 1..=30 * 24;
pub const STEP_UP_HOURS: std::ops::RangeInclusive<i32> = 1..=24;
pub const TRASH_DAYS: std::ops::RangeInclusive<i32> = 1..=3650;
/// A day at most: a message is a record, and a correction after that is a new message.
pub const EDIT_MINUTES: std::ops::RangeInclusive<i32> = 0..=24 * 60;
/// The most characters of each of the firm's texts in the client guide.
pub const GUIDE_TEXT_CHARS: usize = 2000;

impl FirmSettings {
    /// Checks the settings and writes the firm's name and colour the one way they are kept.
    pub fn validate(&mut self) -> Result<(), AppError> {
        self.firm_name = brand::firm_name(&self.firm_name)?;
        self.accent_colour = brand::accent_colour(&self.accent_colour)?;
        self.mobile_country = self.mobile_country.trim().to_ascii_uppercase();
        if !(self.mobile_country.is_empty()
            || self.mobile_country.len() == 2
                && self.mobile_country.bytes().all(|b| b.is_ascii_uppercase()))
        {
            return Err(AppError::bad_request(
                crate::text::THE_COUNTRY_FOR_MOBILE_NUMBERS_IS,
            ));
        }
        let out_of = |what: &str, range: &std::ops::RangeInclusive<i32>, unit: &str| {
            AppError::bad_request(crate::text::must_be_between_and(
                &what,
                &range.start(),
                &range.end(),
                &unit,
            ))
        };
        if !IDLE_MINUTES.contains(&self.idle_timeout_minutes) {
            return Err(out_of(
                crate::text::THE_IDLE_TIMEOUT,
                &IDLE_MINUTES,
                "minutes",
            ));
        }
        if !LIFETIME_HOURS.contains(&self.session_lifetime_hours) {
            return Err(out_of(
                crate::text::THE_SESSION_LIFETIME,
                &LIFETIME_HOURS,
                "hours",
            ));
        }
        if !STEP_UP_HOURS.contains(&self.step_up_window_hours) {
            return Err(out_of(
                crate::text::THE_MULTI_FACTOR_WINDOW,
                &STEP_UP_HOURS,
                "hours",
            ));
        }
        if !TRASH_DAYS.contains(&self.trash_retention_days) {
            return Err(out_of(
                crate::text::THE_DAYS_KEPT_IN_THE_TRASH,
                &TRASH_DAYS,
                "days",
            ));
        }
        if !EDIT_MINUTES.contains(&self.message_edit_minutes) {
            return Err(out_of(
                crate::text::THE_TIME_TO_EDIT_OR_DELETE,
                &EDIT_MINUTES,
                "minutes",
            ));
        }
        for (what, text) in [
            (crate::text::THE_GUIDES_WELCOME, &self.guide_welcome),
            (crate::text::THE_GUIDES_CONTACT_DETAILS, &self.guide_contact),
        ] {
            if text.chars().count() > GUIDE_TEXT_CHARS {
                return Err(AppError::bad_request(format!(
                    "{what} has at most {GUIDE_TEXT_CHARS} characters."
                )));
            }
        }
        if i64::from(self.idle_timeout_minutes) > i64::from(self.session_lifetime_hours) * 60 {
            return Err(AppError::bad_request(
                crate::text::THE_IDLE_TIMEOUT_CANNOT_BE_LONGER,
            ));
        }
        Ok(())
    }

    pub fn brand(&self) -> brand::Brand {
        brand::Brand {
            firm: self.firm_name.clone(),
            accent: self.accent_colour.clone(),
            logo: None,
        }
    }

    #[cfg(feature = "ssr")]
    pub fn idle_timeout(&self) -> chrono::Duration {
        chrono::Duration::minutes(self.idle_timeout_minutes.into())
    }

    #[cfg(feature = "ssr")]
    pub fn session_lifetime(&self) -> chrono::Duration {
        chrono::Duration::hours(self.session_lifetime_hours.into())
    }

    #[cfg(feature = "ssr")]
    pub fn step_up_window(&self) -> chrono::Duration {
        chrono::Duration::hours(self.step_up_window_hours.into())
    }

    #[cfg(feature = "ssr")]
    pub fn message_edit_window(&self) -> chrono::Duration {
        chrono::Duration::minutes(self.message_edit_minutes.into())
    }
}

/// `/settings`: the administrator's page for the firm's security policy.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let ready = hydrated();
    let save = ServerAction::<api::SaveFirmSettings>::new();
    let current =
        crate::resources::resource(move || save.version().get(), |_| api::get_firm_settings());
    let saved = move || {
        match save.value().get() {
        Some(Ok(_)) => Some(
            view! { <p class="status ok" data-testid=testid::SETTINGS_SAVED>{crate::text::SETTINGS_SAVED}</p> }
                .into_any(),
        ),
        _ => error_of(save.value())(),
    }
    };
    view! {
        <Title text=crate::text::FIRM_SETTINGS/>
        <section class="card">
            <h1>{crate::text::FIRM_SETTINGS}</h1>
            <Transition fallback=|| view! { <p>{crate::text::LOADING}</p> }>
                {move || current.get().map(|r| match r {
                    Ok(s) => view! {
                        <ActionForm action=save attr:class="form" attr:data-testid=testid::SETTINGS_FORM>
                            <h2>{crate::text::YOUR_FIRM}</h2>
                            <p class="hint">{crate::text::SHOWN_TO_CLIENTS_IN_PLACE_OF}</p>
                            <label>{crate::text::FIRM_NAME}
                                <input name="firm_name" maxlength=brand::NAME_CHARS.to_string() autocomplete="organization"
                                    data-testid=testid::FIRM_NAME_SETTING value=s.firm_name.clone()/>
                            </label>
                            <label>{crate::text::ACCENT_COLOUR_BUTTONS_AND_HEADER}
                                <input name="accent_colour" type="color" data-testid=testid::ACCENT_SETTING
                                    value=brand::Brand { accent: s.accent_colour.clone(), ..Default::default() }.accent().to_string()/>
                            </label>
                            <p class="hint">{crate::text::dark_enough_for_white_text_on(&(brand::MIN_CONTRAST))}</p>
                            <logo_ui::LogoSetting/>
                            <h2>{crate::text::SESSIONS}</h2>
                            <label>{crate::text::sign_out_after_this_many_minutes(&IDLE_MINUTES.start(), &IDLE_MINUTES.end())}
                                <input name="idle_timeout_minutes" type="number" required
                                    min=IDLE_MINUTES.start().to_string() max=IDLE_MINUTES.end().to_string()
                                    value=s.idle_timeout_minutes.to_string()/>
                            </label>
                            <label>{crate::text::sign_out_this_many_hours_after(&LIFETIME_HOURS.start(), &LIFETIME_HOURS.end())}
                                <input name="session_lifetime_hours" type="number" required
                                    min=LIFETIME_HOURS.start().to_string() max=LIFETIME_HOURS.end().to_string()
                                    value=s.session_lifetime_hours.to_string()/>
                            </label>
                            <p class="hint" data-testid=testid::SESSION_ADVICE>{crate::text::N_30_MINUTES_AND_12_HOURS_MEET}</p>
                            <h2>{crate::text::MULTI_FACTOR_AUTHENTICATION}</h2>
                            <label>{crate::text::a_verified_person_may_open_mfa(&STEP_UP_HOURS.start(), &STEP_UP_HOURS.end())}
                                <input name="step_up_window_hours" type="number" required
                                    min=STEP_UP_HOURS.start().to_string() max=STEP_UP_HOURS.end().to_string()
                                    value=s.step_up_window_hours.to_string()/>
                            </label>
                            <label class="check">
                                <input type="checkbox" name="staff_two_step_required" value="true" checked=s.staff_two_step_required/>
                                {crate::text::REQUIRE_STAFF_AND_ADMINISTRATORS_TO_USE}
                            </label>
                            <h2>{crate::text::RECORDS}</h2>
                            <label>{crate::text::delete_what_has_been_in_a(&TRASH_DAYS.start(), &TRASH_DAYS.end())}
                                <input name="trash_retention_days" type="number" required
                                    min=TRASH_DAYS.start().to_string() max=TRASH_DAYS.end().to_string()
                                    value=s.trash_retention_days.to_string()/>
                            </label>
                            <p class="hint">{crate::text::A_MATTER_ON_LEGAL_HOLD_KEEPS}</p>
                            <label>{crate::text::authors_may_edit_or_delete_their(&EDIT_MINUTES.start(), &EDIT_MINUTES.end())}
                                <input name="message_edit_minutes" type="number" required data-testid=testid::EDIT_MINUTES_SETTING
                                    min=EDIT_MINUTES.start().to_string() max=EDIT_MINUTES.end().to_string()
                                    value=s.message_edit_minutes.to_string()/>
                            </label>
                            <h2>{crate::text::CLIENTS}</h2>
                            <label class="check">
                                <input type="checkbox" name="client_sign_in_by_link" value="true" checked=s.client_sign_in_by_link/>
                                {crate::text::CLIENTS_SIGN_IN_WITH_A_ONE}
                            </label>
                            <label class="check">
                                <input type="checkbox" name="sms_enabled" value="true" checked=s.sms_enabled/>
                                {crate::text::SEND_INVITATIONS_AND_CODES_BY_TEXT}
                            </label>
                            <label class="check">
                                <input type="checkbox" name="protected_email_required" value="true" checked=s.protected_email_required
                                    data-testid=testid::PROTECTED_EMAIL_SETTING/>
                                {crate::text::ALWAYS_EMAIL_THE_NOTICE_THAT_A}
                            </label>
                            <label>{crate::text::COUNTRY_OF_MOBILE_NUMBERS_TYPED_WITHOUT}
                                <input name="mobile_country" maxlength="2" autocomplete="off" data-testid=testid::MOBILE_COUNTRY_SETTING
                                    value=s.mobile_country.clone()/>
                            </label>
                            <h2>{crate::text::CLIENT_GUIDE_2}</h2>
                            <p class="hint">{crate::text::YOUR_WORDS_IN_THE}<a href="/guide">{crate::text::CLIENT_GUIDE}</a>{crate::text::WHICH_INVITATIONS_LINK_TO_PLAIN_TEXT}</p>
                            <label>{crate::text::WELCOME_PARAGRAPH}
                                <textarea name="guide_welcome" rows="3" maxlength=GUIDE_TEXT_CHARS.to_string()
                                    data-testid=testid::GUIDE_WELCOME_SETTING prop:value=s.guide_welcome.clone()></textarea>
                            </label>
                            <label>{crate::text::HOW_CLIENTS_REACH_YOU_NAMES_TELEPHONE}
                                <textarea name="guide_contact" rows="3" maxlength=GUIDE_TEXT_CHARS.to_string()
                                    prop:value=s.guide_contact.clone()></textarea>
                            </label>
                            {saved}
                            <button class="button" type="submit" data-testid=testid::SAVE_SETTINGS
                                disabled=move || !ready.get() || save.pending().get()>
                                {crate::text::SAVE_SETTINGS}
                            </button>
                        </ActionForm>
                    }.into_any(),
                    Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_outside_their_ranges_are_refused_with_a_sentence() {
        assert!(FirmSettings::default().validate().is_ok());
        for mut bad in [
            FirmSettings {
                idle_timeout_minutes: 4,
                ..Default::default()
            },
            FirmSettings {
                session_lifetime_hours: 0,
                ..Default::default()
            },
            FirmSettings {
                step_up_window_hours: 25,
                ..Default::default()
            },
            FirmSettings {
                idle_timeout_minutes: 120,
                session_lifetime_hours: 1,
                ..Default::default()
            },
            FirmSettings {
                trash_retention_days: 0,
                ..Default::default()
            },
            FirmSettings {
                message_edit_minutes: -1,
                ..Default::default()
            },
            FirmSettings {
                message_edit_minutes: 24 * 60 + 1,
                ..Default::default()
            },
            FirmSettings {
                guide_contact: "x".repeat(GUIDE_TEXT_CHARS + 1),
                ..Default::default()
            },
            FirmSettings {
                accent_colour: "#fafafa".into(),
                ..Default::default()
            },
        ] {
            let e = bad.validate().expect_err("refused");
            assert!(matches!(e, AppError::BadRequest(_)), "{e:?}");
            assert!(e.to_string().ends_with('.'));
        }
    }
}
