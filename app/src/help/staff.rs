//! `/help`: how the firm's people do what the reference guide describes, step by step, reached
//! from the "?" in the header and from empty lists. Plain text only: it renders without the Wasm.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::testid;

/// (anchor, heading): the contents, in order. Empty states link to these anchors.
pub const SECTIONS: [(&str, &str); 8] = [
    ("message", "Message a contact"),
    ("send", "Send a file"),
    ("share", "Share a file or folder"),
    ("remove-access", "Remove access to a shared item"),
    ("protect", "Text messages and multi-factor authentication"),
    ("people", "Add a client to a matter"),
    ("guide", "Help your client get started"),
    ("firm", "Your firm's name and colour"),
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
        <Title text="Help"/>
        <article class="card guide" data-testid=testid::STAFF_HELP>
            <h1>"Help for the firm"</h1>
            <p>"How to talk with clients and give them documents in the portal. Clients have their own "<a href="/guide">"getting-started guide"</a>"."</p>
            <nav aria-label="Contents" class="guide-contents"><ol>
                {SECTIONS.iter().map(|(id, title)| view! { <li><a href=format!("#{id}")>{*title}</a></li> }).collect_view()}
            </ol></nav>

            {heading("message")}
            <ol>
                <li>"Open the matter from "<a href="/matters">"Matters"</a>" and select "<strong>"Message"</strong>" under its name."</li>
                <li>"Choose the recipients and write your message."</li>
                <li>"Choose the options you need (see "<a href="#protect">"text messages and multi-factor authentication"</a>"), then Send. If the matter already has a conversation with exactly those recipients and the same protection, the message continues it; otherwise a new conversation starts, named by the message's first words (or a subject you give). Each recipient is told by email."</li>
            </ol>
            <p>"Or start a conversation yourself: on a phone choose the Messages tab; select "<strong>"+"</strong>" beside “External conversations” (or “Internal conversations” for staff only), choose the recipients and whether they must confirm it is them, give it a subject and a first message, then Create."</p>
            <p>"Reply in the box at the bottom of the conversation; new messages arrive on everyone's open page without reloading."</p>

            {heading("send")}
            <p>"Send delivers a copy of a file with a message, up to 100 MB a file. Later changes to the file do not reach the recipient."</p>
            <ol>
                <li>"In the matter's All Files, open a file's menu (the “⋯” button, a right-click, or Shift+F10) and choose Send."</li>
                <li>"The file waits as a chip in the reply box of the open conversation, or in the new-conversation form; add a message and more files with “Attach files” if you like."</li>
                <li>"Press Send. From inside a conversation, “Attach files” sends files from your computer the same way."</li>
            </ol>

            {heading("share")}
            <p>"Share gives a live link: the recipient always sees the latest version of a file, and a folder as it is now, subfolders included. Up to 5 GB a file and 130 files a folder; any type of file."</p>
            <ol>
                <li>"In All Files, open the file's or folder's menu and choose Share, or press Share in a conversation and pick the item."</li>
                <li>"It waits as a chip in the reply box; write a message if you like and press Send."</li>
            </ol>
            <p>"A shared item shows the Shared icon; opening it shows when it was last updated, at the top right of the viewer. Everything shared on a matter is listed under “Shared files and folders”."</p>

            {heading("remove-access")}
            <p>"Open the shared item in the conversation, press “⋯” at its top right and choose “Remove access”. The recipients lose it at once: a viewer they have open closes with “Access removed”."</p>

            {heading("protect")}
            <ul>
                <li>"“Also send as a text message”: the message goes to the recipients' mobile numbers too (when the firm has text messages turned on). A protected conversation's text says only that there is a message."</li>
                <li>"“Require multi-factor authentication”: recipients must enter a code (from their authenticator app, or sent by email or text) before they can read the conversation. Its emails never hold the message's text."</li>
            </ul>

            {heading("people")}
            <p>"On the matter's Details, under “Contacts and staff”, add a person from the directory by email and choose their role. A new client is added first in "<a href="/people">"People"</a>", where “Invite” sends them an email (and a text, if you ask) to set their password."</p>

            {heading("guide")}
            <p>"In a conversation, press “Add the client guide” to put a link to the "<a href="/guide">"client guide"</a>" in your reply. Invitations link to it too. Your welcome paragraph and contact details go into it from Settings."</p>

            {heading("firm")}
            <p>"An administrator sets the firm's name, logo and accent colour in "<a href="/settings">"Settings"</a>". Clients then see the firm's name and logo in the header, on the sign-in page, on the installed app and in every email (“Harper & Co via Dossier”) and text message."</p>
        </article>
    }
}
