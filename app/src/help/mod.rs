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
    ("invitation", "Accept your invitation"),
    ("second-step", "The second step: a code"),
    ("messages", "Read and answer messages"),
    ("shared", "Open a shared document"),
    ("download", "Download a file and check it"),
    ("send", "Send the firm a file"),
    ("phone", "Put the portal on your phone"),
    ("access-removed", "“Access removed”"),
    ("questions", "Questions"),
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
            Some(g) => view! { <p class="pre" data-testid=testid::GUIDE_CONTACT>{g.contact}</p> }.into_any(),
            None => view! {
                <p>"Write to the firm in any of your conversations, or contact the person who handles your matter the way you usually do."</p>
            }
            .into_any(),
        }
    };
    view! {
        <Title text="Getting started"/>
        <article class="card guide" data-testid=testid::GUIDE>
            <h1>{format!("Getting started with {}", match crate::settings::brand::Brand::current().firm.as_str() {
                "" => "the secure portal".to_string(),
                firm => format!("{firm}'s secure portal"),
            })}</h1>
            <Suspense fallback=|| ()>{welcome}</Suspense>
            <p>"The portal is where you and the firm exchange messages and documents, instead of email. Everything in it is sent encrypted, and only the people on your matter can see it."</p>
            <nav aria-label="Contents" class="guide-contents"><ol>{contents}</ol></nav>

            {section("invitation")}
            <p>"The firm sends you an email, and sometimes a text message, with a link. Open it, choose a password of at least 12 characters (a few words you will remember work well), and you are signed in."</p>
            <p>"The link works once and only for a few days. If it no longer works, ask the firm to send a new invitation. Next time, sign in at the portal's address with your email and password; if you forget the password, use “Forgot your password?” on the "<a href="/sign-in">"sign-in page"</a>"."</p>

            {section("second-step")}
            <p>"To keep your matter private, the portal may ask for a six-digit code as well as your password, when you sign in or open a conversation marked “Verification required”."</p>
            <ul>
                <li>"With an authenticator app (Google Authenticator, Microsoft Authenticator, 1Password and others): sign in, open your account (your name at the top), choose “Set up an authenticator app” and scan the square code. From then on, enter the code the app shows."</li>
                <li>"Without an app: choose to get a code by email or by text message, and enter it within ten minutes."</li>
                <li>"When you set up an app you get ten recovery codes. Keep them somewhere safe: each one works once, if you lose your phone."</li>
            </ul>

            {section("messages")}
            <p>"After signing in you see your conversations, newest first, with how many messages are unread. Open one to read it. Write in the reply box at the bottom and press Send. New messages appear as they arrive, without reloading."</p>
            <p>"When the firm writes to you, you get an email (and perhaps a text message) saying so. A message in a conversation marked “Verification required” is never in the email: you read it in the portal, after the code."</p>

            {section("shared")}
            <p>"When the firm shares a file or folder with you, it appears in the conversation. Open it to see it in the portal: a shared document always shows its latest version, and “Last updated” says when it last changed and by whom. A shared folder shows what is in it now."</p>

            {section("download")}
            <p>"Press a file's name to download it. To be sure a download is exactly the firm's file, compare its SHA-256 fingerprint with the one the firm gives you. Your computer works it out:"</p>
            <ul>
                <li>"Windows (PowerShell): "<code>"Get-FileHash \"file name\""</code></li>
                <li>"Mac or Linux (Terminal): "<code>"shasum -a 256 \"file name\""</code></li>
            </ul>
            <p>"The two fingerprints, 64 letters and digits, must be the same. If a single character differs, the file is not the same: tell the firm."</p>

            {section("send")}
            <p>"In a conversation, press “Attach files” under the reply box and choose one or more files (up to 100 MB each). Wait until each shows as ready, write a message if you like, and press Send. For a larger file, ask the firm how to send it."</p>

            {section("phone")}
            <p>"The portal works in your phone's browser, and you can put it on your home screen so it opens like an app:"</p>
            <ul>
                <li>"iPhone or iPad (Safari): press the Share button, then “Add to Home Screen”."</li>
                <li>"Android (Chrome): press the menu (⋮), then “Install app” or “Add to Home screen”."</li>
            </ul>
            <p>"It still needs an internet connection, and it asks you to sign in again after a while without use."</p>

            {section("access-removed")}
            <p>"“Access removed” means the firm has stopped sharing that file or folder with you, or has taken you off that matter. Nothing is wrong with your account. If you still need the document, ask the firm."</p>

            {section("questions")}
            <Suspense fallback=|| ()>{contact}</Suspense>
            <p class="guide-sign-in"><a class="button" href="/sign-in">"Sign in"</a></p>
        </article>
    }
}
