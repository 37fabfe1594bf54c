//! Help that ships with the portal: the client's getting-started guide at `/guide`, readable
//! without signing in and without the Wasm (rendered whole on the server), at 360 px and on
//! paper. The firm adds a welcome paragraph and its contact details in Settings (plain text).

pub mod api;
mod staff;

pub use staff::StaffHelpPage;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::testid;

/// The guide's sections: (anchor, heading), in order, for the contents list.
const SECTIONS: [(&str, &str); 9] = [
    ("invitation", crate::text::ACCEPT_YOUR_INVITATION),
    ("second-step", crate::text::THE_SECOND_STEP_A_CODE),
    ("messages", crate::text::READ_AND_ANSWER_MESSAGES),
    ("shared", crate::text::OPEN_A_SHARED_DOCUMENT),
    ("download", crate::text::DOWNLOAD_A_FILE_AND_CHECK_IT),
    ("send", crate::text::SEND_THE_FIRM_A_FILE),
    ("phone", crate::text::PUT_THE_PORTAL_ON_YOUR_PHONE),
    ("access-removed", crate::text::ACCESS_REMOVED),
    ("questions", crate::text::QUESTIONS),
];

/// `/guide`: how a client uses the portal, step by step.
#[component]
pub fn GuidePage() -> impl IntoView {
    let firm = crate::resources::resource(|| (), |_| api::get_guide());
    let contents = SECTIONS
        .iter()
        .map(|(id, title)| view! { <li><a href=format!("#{id}")>{*title}</a></li> })
        .collect_view();
    let section = |id: &'static str| {
        let title = SECTIONS
            .iter()
            .find(|(s, _)| *s == id)
            .map(|(_, t)| *t)
            .unwrap_or_default();
        view! { <h2 id=id>{title}</h2> }
    };
    let welcome = move || {
        firm.get()
            .and_then(Result::ok)
            .filter(|g| !g.welcome.is_empty())
            .map(
                |g| view! { <p class="pre lead" data-testid=testid::GUIDE_WELCOME>{g.welcome}</p> },
            )
    };
    let contact = move || {
        let told = firm
            .get()
            .and_then(Result::ok)
            .filter(|g| !g.contact.is_empty());
        match told {
            Some(g) => view! { <p class="pre" data-testid=testid::GUIDE_CONTACT>{g.contact}</p> }
                .into_any(),
            None => view! {
                <p>{crate::text::WRITE_TO_THE_FIRM_IN_ANY}</p>
            }
            .into_any(),
        }
    };
    view! {
        <Title text=crate::text::GETTING_STARTED/>
        <article class="card guide" data-testid=testid::GUIDE>
            <h1>{match crate::settings::brand::Brand::current().firm.as_str() {
                "" => crate::text::GETTING_STARTED_WITH_THE_PORTAL.to_string(),
                firm => crate::text::getting_started_with(&firm),
            }}</h1>
            <Suspense fallback=|| ()>{welcome}</Suspense>
            <p>{crate::text::THE_PORTAL_IS_WHERE_YOU_AND}</p>
            <nav aria-label=crate::text::CONTENTS class="guide-contents"><ol>{contents}</ol></nav>

            {section("invitation")}
            <p>{crate::text::THE_FIRM_SENDS_YOU_AN_EMAIL}</p>
            <p>{crate::text::THE_LINK_WORKS_ONCE_AND_ONLY}<a href="/sign-in">{crate::text::SIGN_IN_PAGE}</a>"."</p>

            {section("second-step")}
            <p>{crate::text::TO_KEEP_YOUR_MATTER_PRIVATE_THE}</p>
            <ul>
                <li>{crate::text::WITH_AN_AUTHENTICATOR_APP_GOOGLE_AUTHENTICATOR}</li>
                <li>{crate::text::WITHOUT_AN_APP_CHOOSE_TO_GET}</li>
                <li>{crate::text::WHEN_YOU_SET_UP_AN_APP}</li>
            </ul>

            {section("messages")}
            <p>{crate::text::AFTER_SIGNING_IN_YOU_SEE_YOUR}</p>
            <p>{crate::text::WHEN_THE_FIRM_WRITES_TO_YOU}</p>

            {section("shared")}
            <p>{crate::text::WHEN_THE_FIRM_SHARES_A_FILE}</p>

            {section("download")}
            <p>{crate::text::PRESS_A_FILES_NAME_TO_DOWNLOAD}</p>
            <ul>
                <li>{crate::text::WINDOWS_POWERSHELL}<code>{crate::text::GET_FILEHASH_FILE_NAME}</code></li>
                <li>{crate::text::MAC_OR_LINUX_TERMINAL}<code>{crate::text::SHASUM_A_256_FILE_NAME}</code></li>
            </ul>
            <p>{crate::text::THE_TWO_FINGERPRINTS_64_LETTERS_AND}</p>

            {section("send")}
            <p>{crate::text::IN_A_CONVERSATION_PRESS_ATTACH_FILES}</p>

            {section("phone")}
            <p>{crate::text::THE_PORTAL_WORKS_IN_YOUR_PHONES}</p>
            <ul>
                <li>{crate::text::IPHONE_OR_IPAD_SAFARI_PRESS_THE}</li>
                <li>{crate::text::ANDROID_CHROME_PRESS_THE_MENU_THEN}</li>
            </ul>
            <p>{crate::text::IT_STILL_NEEDS_AN_INTERNET_CONNECTION}</p>

            {section("access-removed")}
            <p>{crate::text::ACCESS_REMOVED_MEANS_THE_FIRM_HAS}</p>

            {section("questions")}
            <Suspense fallback=|| ()>{contact}</Suspense>
            <p class="guide-sign-in"><a class="button" href="/sign-in">{crate::text::SIGN_IN}</a></p>
        </article>
    }
}
