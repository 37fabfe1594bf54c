//! `/help`: how the firm's people do what the reference guide describes, step by step, reached
//! from the "?" in the header and from empty lists. Plain text only: it renders without the Wasm.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::testid;

/// (anchor, heading): the contents, in order. Empty states link to these anchors.
pub const SECTIONS: [(&str, &str); 8] = [
    ("message", crate::text::MESSAGE_A_CONTACT),
    ("send", crate::text::SEND_A_FILE),
    ("share", crate::text::SHARE_A_FILE_OR_FOLDER),
    ("remove-access", crate::text::REMOVE_ACCESS_TO_A_SHARED_ITEM),
    (
        "protect",
        crate::text::TEXT_MESSAGES_AND_MULTI_FACTOR_AUTHENTICATION,
    ),
    ("people", crate::text::ADD_A_CLIENT_TO_A_MATTER),
    ("guide", crate::text::HELP_YOUR_CLIENT_GET_STARTED),
    ("firm", crate::text::YOUR_FIRMS_NAME_AND_COLOUR),
];

#[component]
pub fn StaffHelpPage() -> impl IntoView {
    let heading = |id: &'static str| {
        let title = SECTIONS
            .iter()
            .find(|(s, _)| *s == id)
            .map(|(_, t)| *t)
            .unwrap_or_default();
        view! { <h2 id=id>{title}</h2> }
    };
    view! {
        <Title text=crate::text::HELP/>
        <article class="card guide" data-testid=testid::STAFF_HELP>
            <h1>{crate::text::HELP_FOR_THE_FIRM}</h1>
            <p>{crate::text::HOW_TO_TALK_WITH_CLIENTS_AND}<a href="/guide">{crate::text::GETTING_STARTED_GUIDE}</a>"."</p>
            <nav aria-label=crate::text::CONTENTS class="guide-contents"><ol>
                {SECTIONS.iter().map(|(id, title)| view! { <li><a href=format!("#{id}")>{*title}</a></li> }).collect_view()}
            </ol></nav>

            {heading("message")}
            <ol>
                <li>{crate::text::OPEN_THE_MATTER_FROM}<a href="/matters">{crate::text::MATTERS}</a>{crate::text::AND_SELECT}<strong>{crate::text::MESSAGE}</strong>{crate::text::UNDER_ITS_NAME}</li>
                <li>{crate::text::CHOOSE_THE_RECIPIENTS_AND_WRITE_YOUR}</li>
                <li>{crate::text::CHOOSE_THE_OPTIONS_YOU_NEED_SEE}<a href="#protect">{crate::text::TEXT_MESSAGES_AND_MULTI_FACTOR_AUTHENTICATION_2}</a>{crate::text::THEN_SEND_IF_THE_MATTER_ALREADY}</li>
            </ol>
            <p>{crate::text::OR_START_A_CONVERSATION_YOURSELF_ON}<strong>"+"</strong>{crate::text::BESIDE_EXTERNAL_CONVERSATIONS_OR_INTERNAL_CONVERSATIONS}</p>
            <p>{crate::text::REPLY_IN_THE_BOX_AT_THE}</p>

            {heading("send")}
            <p>{crate::text::SEND_DELIVERS_A_COPY_OF_A}</p>
            <ol>
                <li>{crate::text::IN_THE_MATTERS_ALL_FILES_OPEN}</li>
                <li>{crate::text::THE_FILE_WAITS_AS_A_CHIP}</li>
                <li>{crate::text::PRESS_SEND_FROM_INSIDE_A_CONVERSATION}</li>
            </ol>

            {heading("share")}
            <p>{crate::text::SHARE_GIVES_A_LIVE_LINK_THE}</p>
            <ol>
                <li>{crate::text::IN_ALL_FILES_OPEN_THE_FILES}</li>
                <li>{crate::text::IT_WAITS_AS_A_CHIP_IN}</li>
            </ol>
            <p>{crate::text::A_SHARED_ITEM_SHOWS_THE_SHARED}</p>

            {heading("remove-access")}
            <p>{crate::text::OPEN_THE_SHARED_ITEM_IN_THE}</p>

            {heading("protect")}
            <ul>
                <li>{crate::text::ALSO_SEND_AS_A_TEXT_MESSAGE_2}</li>
                <li>{crate::text::REQUIRE_MULTI_FACTOR_AUTHENTICATION_RECIPIENTS_MUST}</li>
            </ul>

            {heading("people")}
            <p>{crate::text::ON_THE_MATTERS_DETAILS_UNDER_CONTACTS}<a href="/people">{crate::text::PEOPLE}</a>{crate::text::WHERE_INVITE_SENDS_THEM_AN_EMAIL}</p>

            {heading("guide")}
            <p>{crate::text::IN_A_CONVERSATION_PRESS_ADD_THE}<a href="/guide">{crate::text::CLIENT_GUIDE}</a>{crate::text::IN_YOUR_REPLY_INVITATIONS_LINK_TO}</p>

            {heading("firm")}
            <p>{crate::text::AN_ADMINISTRATOR_SETS_THE_FIRMS_NAME}<a href="/settings">{crate::text::SETTINGS}</a>{crate::text::CLIENTS_THEN_SEE_THE_FIRMS_NAME}</p>
        </article>
    }
}
