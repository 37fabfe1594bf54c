//! English: the portal's words. A translation copies this file and keeps every name.

use std::fmt::Display;

use crate::activity::{AccessKind, Through};
use crate::files::ItemKind;

// ---- Accounts: signing in, invitations, passwords, the second step, notifications ----

pub const START_THE_SET_UP_AGAIN: &str =
    "Start the set-up again: choose \u{201c}Set up an authenticator app\u{201d}.";

pub const CHOOSE_WHETHER_THE_CODE_GOES_BY: &str =
    "Choose whether the code goes by email or by text message.";
pub const THIS_SIGN_IN_HAS_EXPIRED_ENTER: &str =
    "This sign-in has expired. Enter your email and password again.";
pub const THAT_CODE_IS_NOT_RIGHT_CHECK: &str =
    "That code is not right. Check the newest message we sent you, or ask for a new code.";
pub const THAT_CODE_IS_NOT_RIGHT_AND: &str =
    "That code is not right, and too many wrong codes were tried: ask for a new code.";
pub const THAT_CODE_HAS_EXPIRED_OR_WAS: &str =
    "That code has expired or was already used. Ask for a new code.";
pub const CODES_GO_BY_EMAIL_OR_TEXT: &str = "Codes go by email or text message.";
pub const YOUR_ACCOUNT_USES_AN_AUTHENTICATOR_APP: &str =
    "Your account uses an authenticator app: enter the code it shows.";
pub const THIS_PORTAL_CANNOT_SEND_EMAIL_YET: &str =
    "This portal cannot send email yet. Ask your firm to set it up.";
pub const THERE_IS_NO_MOBILE_NUMBER_ON: &str =
    "There is no mobile number on your account. Ask for the code by email.";
pub const CODES_CANNOT_BE_SENT_BY_TEXT: &str =
    "Codes cannot be sent by text message here. Ask for the code by email.";
pub const SEVERAL_CODES_WERE_SENT_IN_THE: &str =
    "Several codes were sent in the last hour. Use the newest one";
pub const YOUR_VERIFICATION_CODE: &str = "Your verification code";
pub const THIS_LINK_IS_NOT_VALID_ANY: &str = "This link is not valid any more: it was already used, has expired, or was replaced by a newer one.";
pub const YOUR_INVITATION: &str = "Your invitation";
pub const LOADING: &str = "Loading…";
pub const YOUR_ACCOUNT_IS_READY_AND_YOU: &str = "Your account is ready and you are signed in.";
pub const CONTINUE: &str = "Continue";
pub const THIS_INVITATION_CANNOT_BE_USED: &str = "This invitation cannot be used";
pub const ASK_THE_PERSON_WHO_INVITED_YOU: &str =
    "Ask the person who invited you to send a new invitation.";
pub const CHOOSE_A_PASSWORD_TO_FINISH_SETTING: &str =
    "Choose a password to finish setting up your account for ";
pub const ACCEPT_TO_OPEN_YOUR_ACCOUNT_FOR: &str = "Accept to open your account for ";
pub const NEXT_TIME_ASK_FOR_A_SIGN: &str =
    ". Next time, ask for a sign-in link on the sign-in page: it comes by email.";
pub const CREATE_MY_ACCOUNT: &str = "Create my account";
pub const ACCEPT_AND_SIGN_IN: &str = "Accept and sign in";
pub const FORGOT_YOUR_PASSWORD: &str = "Forgot your password?";
pub const ENTER_THE_EMAIL_ADDRESS_OF_YOUR: &str =
    "Enter the email address of your account and we will send you a link to choose a new password.";
pub const EMAIL: &str = "Email";
pub const SEND_THE_LINK: &str = "Send the link";
pub const IF_THAT_ADDRESS_BELONGS_TO_AN: &str = "If that address belongs to an account, a link is on its way. It expires in an hour. Check your spam folder if it does not arrive.";
pub const CHOOSE_A_NEW_PASSWORD: &str = "Choose a new password";
pub const SET_PASSWORD: &str = "Set password";
pub const YOUR_PASSWORD_WAS_CHANGED_AND_EVERY: &str =
    "Your password was changed and every device was signed out.";
pub const SIGN_IN: &str = "Sign in";
pub const SET_UP_YOUR_PORTAL: &str = "Set up your portal";
pub const CREATE_THE_ADMINISTRATOR_ACCOUNT_FOR_YOUR: &str = "Create the administrator account for your firm. The administrator adds staff and sets the firm's security policy.";
pub const YOUR_NAME: &str = "Your name";
pub const CREATING: &str = "Creating…";
pub const CREATE_ADMINISTRATOR: &str = "Create administrator";
pub const YOUR_PORTAL_IS_READY: &str = "Your portal is ready";
pub const THE_ADMINISTRATOR_ACCOUNT_HAS_BEEN_CREATED: &str =
    "The administrator account has been created. This setup link no longer works.";
pub const MATTERS: &str = "Matters";
pub const PEOPLE: &str = "People";
pub const SETTINGS: &str = "Settings";
pub const HELP: &str = "Help";
pub const SIGN_OUT: &str = "Sign out";
pub const AN_AUTHENTICATOR_APP_WAS_ADDED_TO: &str =
    "An authenticator app was added to your account";
pub const AN_AUTHENTICATOR_APP_WAS_JUST_SET: &str =
    "An authenticator app was just set up for two-step verification on your account.";
pub const TWO_STEP_VERIFICATION_WAS_TURNED_OFF: &str = "Two-step verification was turned off";
pub const THE_AUTHENTICATOR_APP_OF_YOUR_ACCOUNT: &str = "The authenticator app of your account was just removed: signing in no longer asks for its code.";
pub const YOUR_PASSWORD_WAS_CHANGED: &str = "Your password was changed";
pub const THE_PASSWORD_OF_YOUR_ACCOUNT_WAS: &str =
    "The password of your account was just changed, and your other devices were signed out.";
pub const YOUR_PASSWORD_WAS_RESET: &str = "Your password was reset";
pub const THE_PASSWORD_OF_YOUR_ACCOUNT_WAS_2: &str = "The password of your account was just reset with an emailed link, and every device was signed out.";
pub const SAVED: &str = "Saved.";
pub const NOTIFICATIONS: &str = "Notifications";
pub const HOW_YOU_HEAR_OF_NEW_MESSAGES: &str =
    "How you hear of new messages. Nothing is sent about a conversation you have open.";
pub const SAVE: &str = "Save";
pub const THIS_PORTAL_DOES_NOT_SEND_EMAIL: &str = "This portal does not send email.";
pub const YOUR_FIRM_ALWAYS_EMAILS_YOU_WHEN: &str = "Your firm always emails you when a protected conversation has a new message: that email says only that there is one.";
pub const TEXTS_GO_ONLY_TO_A_MOBILE: &str =
    "Texts go only to a mobile number the firm has for you, and only when the writer sends one.";
pub const TEXT_MESSAGE_WHEN_THE_WRITER_SENDS: &str = "Text message, when the writer sends one";
pub const NOTIFICATIONS_ON_THE_DEVICES_WHERE_YOU: &str =
    "Notifications on the devices where you turn them on";
pub const CHECKING_THIS_DEVICE: &str = "Checking this device…";
pub const THIS_BROWSER_CANNOT_SHOW_NOTIFICATIONS_FROM: &str = "This browser cannot show notifications from the portal. On an iPhone, add the portal to your Home Screen first and open it from there.";
pub const NOTIFICATIONS_ARE_BLOCKED_FOR_THIS_SITE: &str =
    "Notifications are blocked for this site in your browser's settings.";
pub const NOTIFICATIONS_ARE_ON_FOR_THIS_DEVICE: &str = "Notifications are on for this device.";
pub const NOTIFICATIONS_ARE_NOT_ON_FOR_ANY: &str =
    "Notifications are not on for any of your devices.";
pub const NOTIFICATIONS_ARE_ON_FOR_ONE_OF: &str =
    "Notifications are on for one of your other devices.";
pub const TURN_ON_NOTIFICATIONS_ON_THIS_DEVICE: &str = "Turn on notifications on this device";
pub const TURN_OFF_ON_THIS_DEVICE: &str = "Turn off on this device";
pub const THE_BROWSER_REFUSED: &str = "The browser refused.";
pub const THAT_EMAIL_AND_PASSWORD_DO_NOT: &str =
    "That email and password do not match an active account.";
pub const ENTER_A_NAME_OF_1_TO: &str = "Enter a name of 1 to 200 characters.";
pub const THE_NAME_CANNOT_CONTAIN_CONTROL_CHARACTERS: &str =
    "The name cannot contain control characters.";
pub const ENTER_THE_MOBILE_NUMBER_IN_INTERNATIONAL: &str = "Enter the mobile number in international form, starting with + and the country code, like +44 7700 900123.";
pub const NO_COUNTRY: &str = "no country";
pub const ENTER_A_VALID_EMAIL_ADDRESS_LIKE: &str =
    "Enter a valid email address, like name@example.com.";
pub const CANNOT_DERIVE_THE_PUSH_KEY: &str = "Cannot derive the push key.";
pub const THIS_BROWSERS_PUSH_KEYS_CANNOT_BE: &str = "This browser's push keys cannot be used.";
pub const THIS_BROWSERS_PUSH_SERVICE_ADDRESS_CANNOT: &str =
    "This browser's push service address cannot be used.";
pub const RESET_YOUR_PASSWORD: &str = "Reset your password";
pub const THAT_CODE_IS_NOT_RIGHT_CHECK_2: &str = "That code is not right. Check that your phone's clock is set automatically, then try the newest code.";
pub const THAT_CODE_HAS_ALREADY_BEEN_USED: &str =
    "That code has already been used. Wait for your app to show the next one and enter that.";
pub const AN_AUTHENTICATOR_APP_IS_ALREADY_SET: &str =
    "An authenticator app is already set up. Turn it off first to set up a new one.";
pub const ENTER_THE_CODE_WE_SENT_YOU: &str =
    "Enter the code we sent you as well: it shows that the app is being set up by you.";
pub const AN_AUTHENTICATOR_APP_IS_ALREADY_SET_2: &str = "An authenticator app is already set up.";
pub const ENTER_A_CODE_FROM_YOUR_AUTHENTICATOR: &str =
    "Enter a code from your authenticator app, or one of your recovery codes.";
pub const ENTER_THE_SIX_DIGIT_CODE_FROM: &str =
    "Enter the six-digit code from your authenticator app, or one of your recovery codes.";
pub const THAT_CODE_DID_NOT_WORK_ENTER: &str =
    "That code did not work. Enter the code your app shows now, or a recovery code.";
pub const ENTER_YOUR_CODE: &str = "Enter your code";
pub const OPEN_YOUR_AUTHENTICATOR_APP_AND_ENTER: &str = "Open your authenticator app and enter the six-digit code it shows for Dossier. Lost your phone? Enter one of your recovery codes instead.";
pub const CODE: &str = "Code";
pub const CHECKING: &str = "Checking…";
pub const PROTECT_YOUR_ACCOUNT_WITH_A_CODE: &str = "Protect your account with a code from an authenticator app on your phone (such as Google Authenticator, Microsoft Authenticator or 1Password) as well as your password.";
pub const SET_UP_AN_AUTHENTICATOR_APP: &str = "Set up an authenticator app";
pub const TWO_STEP_VERIFICATION: &str = "Two-step verification";
pub const SCAN_THIS_QR_CODE_WITH_YOUR: &str = "Scan this QR code with your authenticator app.";
pub const QR_CODE_FOR_YOUR_AUTHENTICATOR_APP: &str = "QR code for your authenticator app";
pub const CANT_SCAN_IT_ENTER_THIS_KEY: &str = "Can't scan it? Enter this key in the app instead: ";
pub const THEN_ENTER_THE_SIX_DIGIT_CODE: &str = "Then enter the six-digit code the app shows";
pub const TURN_ON: &str = "Turn on";
pub const TWO_STEP_VERIFICATION_IS_ON: &str = "Two-step verification is on.";
pub const KEEP_THESE_RECOVERY_CODES_SOMEWHERE_SAFE: &str = "Keep these recovery codes somewhere safe, such as a password manager or on paper. Each one lets you sign in once if you lose your phone. They are shown only now.";
pub const I_HAVE_SAVED_THEM: &str = "I have saved them";
pub const ON_SIGNING_IN_ASKS_FOR_A: &str =
    "On: signing in asks for a code from your authenticator app.";
pub const TURN_OFF_TWO_STEP_VERIFICATION: &str = "Turn off two-step verification";
pub const YOUR_PASSWORD: &str = "Your password";
pub const A_CODE_FROM_YOUR_AUTHENTICATOR_APP: &str =
    "A code from your authenticator app, or a recovery code";
pub const TURN_OFF: &str = "Turn off";
pub const YOUR_CURRENT_PASSWORD_IS_NOT_RIGHT: &str = "Your current password is not right.";
pub const AN_ACCOUNT_WITH_THIS_EMAIL_ADDRESS: &str =
    "An account with this email address already exists.";
pub const THIS_PORTAL_ALREADY_HAS_AN_ADMINISTRATOR: &str =
    "This portal already has an administrator.";
pub const THIS_SETUP_LINK_IS_NOT_VALID: &str = "This setup link is not valid: it was already used or has expired. Run \
         `dossier setup-link` on the server for a new one.";
pub const THIS_SIGN_IN_LINK_IS_NOT: &str = "This sign-in link is not valid any more: it was already used, has \
     expired, or a newer one was sent. Ask for a new link on the sign-in page.";
pub const YOUR_SIGN_IN_LINK: &str = "Your sign-in link";
pub const THAT_DID_NOT_SIGN_YOU_IN: &str = "That did not sign you in. Check your email and password; after many attempts, wait a few minutes.";
pub const PASSWORD: &str = "Password";
pub const SIGNING_IN: &str = "Signing in…";
pub const NEW_TO_THE_PORTAL: &str = "New to the portal? ";
pub const A_SHORT_GUIDE: &str = "A short guide";
pub const YOU_ARE_SIGNED_IN: &str = "You are signed in. ";
pub const GO_TO_YOUR_MATTERS: &str = "Go to your matters";
pub const YOUR_FIRM_REQUIRES_TWO_STEP_VERIFICATION: &str = "Your firm requires two-step verification. Set up an authenticator app below before you continue.";
pub const SIGN_IN_TO_SEE_THIS_PAGE: &str = "Sign in to see this page. You will come back here.";
pub const PASSWORD_CHANGED_OTHER_DEVICES_HAVE_BEEN: &str =
    "Password changed. Other devices have been signed out.";
pub const SECURITY: &str = "Security";
pub const CURRENT_PASSWORD: &str = "Current password";
pub const CHANGE_PASSWORD: &str = "Change password";
pub const SIGN_OUT_ON_ALL_DEVICES: &str = "Sign out on all devices";
pub const YOUR_NETWORK: &str = "your network";
pub const THIS_EMAIL_ADDRESS: &str = "this email address";
pub const THIS_ACCOUNT: &str = "this account";
pub const VERIFY_ITS_YOU: &str = "Verify it's you";
pub const PLEASE: &str = "Please ";
pub const SIGN_IN_2: &str = "sign in";
pub const FIRST: &str = " first.";
pub const ENTER_THE_SIX_DIGIT_CODE_YOUR: &str = "Enter the six-digit code your authenticator app shows for Dossier, or one of your recovery codes.";
pub const THIS_NEEDS_A_ONE_TIME_CODE: &str = "This needs a one-time code. Where shall we send it?";
pub const EMAIL_ME_A_CODE: &str = "Email me a code";
pub const TEXT_ME_A_CODE: &str = "Text me a code";
pub const VERIFY: &str = "Verify";
pub const PRESS_THE_BUTTON_TO_SIGN_IN: &str =
    "Press the button to sign in with the link from your email.";
pub const CLIENTS_EMAIL_ME_A_SIGN_IN: &str = "Clients: email me a sign-in link instead";
pub const EMAIL_ME_A_LINK: &str = "Email me a link";
pub const IF_THAT_ADDRESS_BELONGS_TO_A: &str = "If that address belongs to a client account, a sign-in link is on its way. It works once, for 15 minutes.";
pub fn hello_your_verification_code_is_it(
    name: &dyn Display,
    code: &dyn Display,
    minutes: &dyn Display,
) -> String {
    format!(
        "Hello {name},\n\nYour verification code is {code}. It works once and expires \
                 in {minutes} minutes.\n\nIf you did not ask for it, someone may know your \
                 password: change it, and tell your firm.\n"
    )
}
pub fn your_verification_code_is_it_expires(code: &dyn Display, minutes: &dyn Display) -> String {
    format!("Your verification code is {code}. It expires in {minutes} minutes.")
}
pub fn welcome(display_name: &dyn Display) -> String {
    format!("Welcome, {display_name}")
}
pub fn hello_if_this_was_you_there(
    name: &dyn Display,
    what: &dyn Display,
    url: &dyn Display,
) -> String {
    format!(
        "Hello {name},\n\n{what}\n\nIf this was you, there is nothing to do. If this wasn't \
                 you, reset your password from the sign-in page at {url} at once, and tell your \
                 firm: someone else may know your password.\n"
    )
}
pub fn notifications_are_on_for_of_your(n: &dyn Display) -> String {
    format!("Notifications are on for {n} of your other devices.")
}
pub fn notifications_could_not_be_turned_on(why: &dyn Display) -> String {
    format!("Notifications could not be turned on here: {why}")
}
pub fn notifications_could_not_be_turned_off(why: &dyn Display) -> String {
    format!("Notifications could not be turned off here: {why}")
}
pub fn that_password_is_too_easy_to(why: &dyn Display) -> String {
    format!("That password is too easy to guess{why}. A few unrelated words make a strong one.")
}
pub fn that_is_not_a_mobile_number(country: &dyn Display) -> String {
    format!(
        "That is not a mobile number: enter it as it is dialled within {country}, or in international form starting with + and the country code."
    )
}
pub fn and_the_code_we_just_sent(to: &dyn Display) -> String {
    format!("And the code we just sent to {to}, so we know it is you setting this up")
}
pub fn sign_in_to(name: &dyn Display) -> String {
    format!("Sign in to {name}")
}
pub fn too_many_failed_sign_ins_for(whose: &dyn Display, wait_words: &dyn Display) -> String {
    format!(
        "Too many failed sign-ins for {whose}. Wait {wait_words} and try again, or reset your password."
    )
}
pub fn too_many_wrong_codes_for_wait(whose: &dyn Display, wait_words: &dyn Display) -> String {
    format!("Too many wrong codes for {whose}. Wait {wait_words} and try again.")
}
pub fn we_sent_a_code_to_it(to: &dyn Display) -> String {
    format!("We sent a code to {to}. It expires in 10 minutes.")
}

// ---- Activity: who opened what ----

/// "downloaded version 2 through a share"
pub fn access(kind: AccessKind, item: &str, version: Option<i32>, through: Through) -> String {
    let verb = match kind {
        AccessKind::ConversationOpened => "opened",
        AccessKind::FilePreviewed => "viewed",
        AccessKind::FileDownloaded => "downloaded",
    };
    let version = version.map(|v| format!(" version {v}")).unwrap_or_default();
    let through = match through {
        Through::Files => " from All Files",
        Through::Message => " sent with a message",
        Through::Share => " through a share",
        Through::Conversation => "",
    };
    format!("{verb} {item}{version}{through}")
}

pub const ACTIVITY: &str = "Activity";
pub const LOADING_ACTIVITY: &str = "Loading activity…";
pub const NO_ONE_HAS_OPENED_IT_YET: &str = "No one has opened it yet.";
pub const CLOSE: &str = "Close";

// ---- Conversations: messages, recipients, attachments, file requests, notices ----

pub const THIS_FILE: &str = "This file";
pub const ONLY_THE_FIRM_CAN_SEND_FILES: &str =
    "Only the firm can send files from the matter's files.";
pub const ONLY_THE_FIRM_CAN_SHARE_THE: &str =
    "Only the firm can share the matter's files and folders.";
pub const ONE_OF_THE_ATTACHED_FILES_WAS: &str = "One of the attached files was already sent, or waited too long and was removed. \
                 Attach it again.";
pub const THIS_MESSAGE_WAS_DELETED: &str = "This message was deleted.";
pub const THE_UPLOAD_FINISHED_BUT_THE_PORTAL: &str =
    "The upload finished but the portal did not say so. Attach the file again.";
pub const REMOVE: &str = "Remove";
pub const ATTACH_FILES: &str = "Attach files";
pub const UP_TO_100_MB_A_FILE: &str = "Up to 100 MB a file.";
pub const A_COPY_FROM_THE_MATTERS_FILES: &str = " · a copy from the matter's files";
pub const OPEN: &str = "Open";
pub const FROM_ALL_FILES_WITH_THIS_MESSAGE: &str = "From All Files, with this message: ";
pub const A_SENT_FILE_IS_A_COPY: &str = "a sent file is a copy of it as it is now; a shared one is a live link that always shows the latest version.";
pub const SHARE_FOLDER: &str = "share folder";
pub const LEAVE_OUT: &str = "Leave out";
pub const SHARE_FROM_ALL_FILES: &str = "Share from All Files";
pub const SHARE: &str = "Share";
pub const BACK: &str = "‹ Back";
pub const NO_CONVERSATIONS_YET_WHEN_THE_FIRM: &str =
    "No conversations yet. When the firm writes to you, it appears here and you get an email. ";
pub const HOW_THE_PORTAL_WORKS: &str = "How the portal works";
pub const SECURE_CONVERSATION: &str = "Secure conversation";
pub const CONFIRM_IT_IS_YOU_TO_READ: &str = "Confirm it is you to read it.";
pub const YOUR_CONVERSATIONS: &str = "Your conversations";
pub const YOU_ARE_NO_LONGER_IN_THIS: &str =
    "You are no longer in this conversation. The firm can add you again if you need it.";
pub const MESSAGE: &str = "Message";
pub const TO: &str = "To";
pub const SUBJECT: &str = "Subject";
pub const SUBJECT_IF_THIS_STARTS_A_CONVERSATION: &str =
    "Subject, if this starts a conversation (otherwise its first words)";
pub const ALSO_SEND_AS_A_TEXT_MESSAGE: &str = "Also send as a text message";
pub const REQUIRE_RECIPIENTS_TO_CONFIRM_IT_IS: &str =
    "Require recipients to confirm it is them (multi-factor authentication) before they read it";
pub const IT_CONTINUES_THE_CONVERSATION_WITH_EXACTLY: &str = "It continues the conversation with exactly these recipients and the same protection, if there is one; otherwise it starts one.";
pub const SEND: &str = "Send";
pub const CANCEL: &str = "Cancel";
pub const YOUR_MESSAGE_WAS_ADDED_TO_THIS: &str = "Your message was added to this conversation.";
pub const YOUR_MESSAGE_STARTED_THIS_CONVERSATION: &str = "Your message started this conversation.";
pub const SHARE_IT_INSTEAD_A_SHARED_FILE: &str =
    "Share it instead: a shared file has no such limit.";
pub const FOR_A_LARGER_FILE_ASK_THE: &str = "For a larger file, ask the firm how to send it.";
pub const NO_CONVERSATIONS_YET: &str = "No conversations yet. ";
pub const HOW_TO_START_ONE: &str = "How to start one";
pub const VERIFICATION_REQUIRED: &str = "Verification required";
pub const CONFIRM_IT_IS_YOU_TO_SEE: &str = "Confirm it is you to see this conversation.";
pub const MESSAGES: &str = "Messages";
pub const EXTERNAL_CONVERSATIONS: &str = "External conversations";
pub const INTERNAL_CONVERSATIONS: &str = "Internal conversations";
pub const ALL_CONVERSATIONS: &str = "‹ All conversations";
pub const CHOOSE_A_CONVERSATION_TO_READ_IT: &str = "Choose a conversation to read it.";
pub const NEW_EXTERNAL_CONVERSATION: &str = "New external conversation";
pub const NEW_INTERNAL_CONVERSATION: &str = "New internal conversation";
pub const NEW_CONVERSATION: &str = "New conversation";
pub const WITH: &str = "With";
pub const THE_MATTERS_CONTACTS_EXTERNAL: &str = "The matter's contacts (external)";
pub const STAFF_ONLY_INTERNAL: &str = "Staff only (internal)";
pub const RECIPIENTS: &str = "Recipients";
pub const MESSAGE_OPTIONAL: &str = "Message (optional)";
pub const CREATE: &str = "Create";
pub const ALSO_CHANGED_IN_WHAT_IS_SHARED: &str =
    "\nAlso changed in what is shared with you here:\n";
pub const A_FORMER_USER: &str = "A former user";
pub const CHOOSE_AT_LEAST_ONE_RECIPIENT: &str = "Choose at least one recipient.";
pub const CHOOSE_SOMEONE_TO_ADD: &str = "Choose someone to add.";
pub const THAT_PERSON_IS_NOT_IN_THIS: &str = "That person is not in this conversation (someone may have just removed them). \
             Reload the page to see who is.";
pub const ADD_SOMEONE: &str = "Add someone";
pub const CHOOSE: &str = "Choose…";
pub const ADD: &str = "Add";
pub const SOMEONE_ADDED_SEES_THE_WHOLE_CONVERSATION: &str =
    "Someone added sees the whole conversation, earlier messages included.";
pub const MESSAGE_DELETED: &str = "Message deleted";
pub const SENT_FILES: &str = "Sent files";
pub const A_LINE_OF_THE_REQUEST_HOLDS: &str =
    "A line of the request holds characters that cannot be shown. Retype it.";
pub const THERE_IS_NO_ROOM_LEFT_FOR: &str =
    "There is no room left for your uploads on this matter. Ask the firm.";
pub const UPLOADS: &str = "Uploads";
pub const FILES_ASKED_FOR: &str = "Files asked for";
pub const UPLOAD_ANOTHER: &str = "Upload another";
pub const UPLOAD: &str = "Upload";
pub const ASK_FOR_FILES: &str = "Ask for files";
pub const FILES_TO_ASK_FOR_ONE_A: &str = "Files to ask for, one a line";
pub const PASSPORT_LAST_THREE_PAYSLIPS: &str = "Passport\nLast three payslips";
pub const EACH_LINE_GETS_ITS_OWN_UPLOAD: &str = "Each line gets its own upload button for the client. What they upload goes to All Files, in a folder with their name.";
pub const GIVE_THE_CONVERSATION_A_SUBJECT_E: &str =
    "Give the conversation a subject, e.g. \"Signing the lease\".";
pub const WRITE_A_MESSAGE_FIRST: &str = "Write a message first.";
pub const THE_MESSAGE_HOLDS_CHARACTERS_THAT_CANNOT: &str =
    "The message holds characters that cannot be shown. Retype it and try again.";
pub const THIS_MATTER_IS_CLOSED_SO_ITS: &str =
    "This matter is closed, so its conversations are read-only. Reopen it to write.";
pub const YOU_HAVE_WRITTEN_A_GREAT_MANY: &str =
    "You have written a great many messages in the last minute";
pub const TEXT_MESSAGES_CANNOT_BE_SENT_FROM: &str =
    "Text messages cannot be sent from this portal. Send the message without them.";
pub const ONLY_CONVERSATIONS_WITH_CONTACTS_CAN_REQUIRE: &str = "Only conversations with contacts can require verification: choose a contact too, \
             or leave that option off.";
pub const ONE_OF_THE_RECIPIENTS_IS_NOT: &str =
    "One of the recipients is not in the firm's directory. Reload the page and choose again.";
pub const ONLY_THE_FIRM_CAN_ASK_FOR: &str =
    "Only the firm can ask for files. Attach the files you want to send instead.";
pub const ASK_FOR_FILES_IN_A_CONVERSATION: &str =
    "Ask for files in a conversation with contacts: in an internal one, nobody can answer.";
pub const PLEASE_UPLOAD_THESE_FILES: &str = "Please upload these files.";
pub const ONLY_THE_FIRM_CAN_SEND_MESSAGES: &str =
    "Only the firm can send messages as text messages.";
pub const SEEN_BY: &str = "Seen by ";
pub const EXTERNAL: &str = "External";
pub const INTERNAL: &str = "Internal";
pub const VERIFICATION_REQUIRED_2: &str = " · verification required";
pub const YOUR_REPLY_WAS_NOT_SENT_PLEASE: &str = "Your reply was not sent. Please try again.";
pub const REPLY: &str = "Reply";
pub const ADD_THE_CLIENT_GUIDE: &str = "Add the client guide";
pub const SEND_FILES: &str = "Send files";
pub const THIS_MATTER_IS_CLOSED_ITS_CONVERSATIONS: &str =
    "This matter is closed: its conversations are read-only.";
pub const CONFIRM_IT_IS_YOU: &str = "Confirm it is you";
pub const CODE_FROM_YOUR_AUTHENTICATOR_APP: &str = "Code from your authenticator app";
pub const VERIFICATION_CODE: &str = "Verification code";
pub const CONFIRM: &str = "Confirm";
pub const EDIT: &str = "Edit";
pub const DELETE: &str = "Delete";
pub const DELETE_THIS_MESSAGE_ITS_TEXT_AND: &str =
    "Delete this message? Its text, and any files it sent or shared, are removed for everyone.";
pub const KEEP_IT: &str = "Keep it";
pub const ALSO_SENT_BY_TEXT: &str = "Also sent by text";
pub const EDITED: &str = "edited";
pub fn you_have_files_waiting_to_be(files: &dyn Display, size: &dyn Display) -> String {
    format!(
        "You have {files} files ({size}) waiting to be sent, the most one person can have. Send \
             them, or remove some, before adding more; files never sent are removed after a day."
    )
}
pub fn is_files_up_to_100_mb(
    what: &dyn Display,
    size: &dyn Display,
    advice: &dyn Display,
) -> String {
    format!("{what} is {size}; files up to 100 MB can be sent. {advice}")
}
pub fn was_added_by(name: &dyn Display, by: &dyn Display) -> String {
    format!("{name} was added by {by}")
}
pub fn was_removed_by(name: &dyn Display, by: &dyn Display) -> String {
    format!("{name} was removed by {by}")
}
pub fn sent_files(count: usize, names: &str) -> String {
    let noun = if count == 1 { "file" } else { "files" };
    format!("Sent {count} {noun}: {names}")
}
pub fn shared_items(count: usize) -> String {
    let noun = if count == 1 { "item" } else { "items" };
    format!("Shared {count} {noun} from the matter's files: open the conversation to see them.")
}
/// What a new message of files only is announced as ("New message from Ann: files").
pub const ONLY_FILES: &str = "files";
/// The badge of a staged file in the reply box.
pub const SEND_BADGE: &str = "send";
pub const SHARE_BADGE: &str = "share";
pub fn a_secure_message_on(number: &dyn Display) -> String {
    format!("A secure message on {number}")
}
pub fn sent_you_a_secure_message_sign(author: &dyn Display, link: &dyn Display) -> String {
    format!("{author} sent you a secure message. Sign in to read it: {link}")
}
pub fn sent_you_a_secure_message(n: &dyn Display) -> String {
    format!("{n} sent you a secure message.")
}
pub fn is_already_in_this_conversation(display_name: &dyn Display) -> String {
    format!("{display_name} is already in this conversation.")
}
pub fn remove_they_will_no_longer_see(name: &dyn Display) -> String {
    format!("Remove {name}? They will no longer see this conversation or what was shared in it.")
}
pub fn remove(name: &dyn Display) -> String {
    format!("Remove {name}")
}
pub fn uploads_from(cleaned: &dyn Display) -> String {
    format!("Uploads from {cleaned}")
}
pub fn uploaded(when: &dyn Display) -> String {
    format!("Uploaded · {when}")
}
pub fn upload(label: &dyn Display) -> String {
    format!("Upload: {label}")
}
pub fn no_longer_has_access_to_the(display_name: &dyn Display) -> String {
    format!("{display_name} no longer has access to the portal.")
}
pub fn internal_conversations_are_for_the_firms(display_name: &dyn Display) -> String {
    format!("Internal conversations are for the firm's people only; {display_name} is a contact.")
}
pub fn is_not_a_contact_on_this(display_name: &dyn Display) -> String {
    format!("{display_name} is not a contact on this matter. Add them to the matter first.")
}
pub fn new_message_from(author: &dyn Display, text: &dyn Display) -> String {
    format!("New message from {author}: {text}")
}
pub fn a_short_guide_to_using_this(origin: &dyn Display) -> String {
    format!("A short guide to using this portal: {origin}/guide")
}
pub fn we_sent_a_code_to_it_2(to: &dyn Display) -> String {
    format!("We sent a code to {to}. It works for 10 minutes.")
}

pub fn protected_messages_email(
    name: &dyn Display,
    messages: &dyn Display,
    link: &dyn Display,
) -> String {
    format!("Hello {name},\n\n{messages} Sign in and confirm it is you to read it:\n{link}\n")
}
pub fn messages_email(name: &dyn Display, messages: &dyn Display, link: &dyn Display) -> String {
    format!("Hello {name},\n\n{messages}\n\nRead and reply:\n{link}\n")
}
pub fn wrote(name: &dyn Display, message: &dyn Display) -> String {
    format!("{name} wrote:\n\n{message}")
}

// ---- Files: All Files, versions, trash, uploads and downloads ----

pub const UPLOAD_SIGN_IN_AGAIN: &str =
    "Please sign in again, then choose the file again to resume.";
pub const UPLOAD_UNREACHABLE: &str =
    "The upload stopped: the portal could not be reached. Choose the file again to resume it.";
pub const UPLOAD_NOT_STARTED: &str =
    "The upload could not start: the portal could not be reached. Choose the file again.";

pub const ONLY_SHA256_CHECKSUMS: &str =
    "Only sha256 checksums are supported (Upload-Checksum: sha256 <base64>).";

pub const NEW: &str = "New";
pub const UPDATED: &str = "Updated";
pub const GIVE_IT_A_NAME: &str = "Give it a name.";
pub const AND_CANNOT_BE_USED_AS_NAMES: &str = "\".\" and \"..\" cannot be used as names.";
pub const A_NAME_CANNOT_CONTAIN_OR_TO: &str =
    "A name cannot contain / or \\. To put something in a folder, move it there.";
pub const A_NAME_CANNOT_CONTAIN_CONTROL_CHARACTERS: &str =
    "A name cannot contain control characters such as line breaks or tabs.";
pub const A_NAME_CANNOT_CONTAIN_INVISIBLE_TEXT: &str =
    "A name cannot contain invisible text-direction characters.";
pub const THIS_MATTER_IS_CLOSED_SO_ITS_2: &str =
    "This matter is closed, so its files cannot be changed. Reopen the matter first.";
pub const THE_MATTERS_TOP_FOLDER_CANNOT_BE: &str =
    "The matter's top folder cannot be renamed, moved or deleted.";
pub const A_FOLDER_CANNOT_BE_MOVED_INTO: &str =
    "A folder cannot be moved into itself or into one of its own subfolders.";
pub const THAT_IS_NOT_IN_THIS_MATTERS: &str = "That is not in this matter's trash.";
pub const THE_FOLDER_THIS_WAS_IN_IS: &str =
    "The folder this was in is in the trash too. Restore that folder first.";
pub const THIS_FILE_HAS_NO_SUCH_VERSION: &str = "This file has no such version.";
pub const THERE_IS_NO_SUCH_FOLDER_ON: &str =
    "There is no such folder on this matter. It may have been moved to the trash.";
pub const THERE_IS_NO_SUCH_FILE_ON: &str =
    "There is no such file on this matter. It may have been moved to the trash.";
pub const ALL_FILES: &str = "All Files";
pub const SOMEONE_NO_LONGER_HERE: &str = "someone no longer here";
pub const DOWNLOAD: &str = "Download";
pub const UPLOAD_NEW_VERSION: &str = "Upload new version";
pub const RENAME: &str = "Rename";
pub const MOVE_TO: &str = "Move to…";
pub const A_FOLDER_IS_SHARED_NOT_SENT: &str = "A folder is shared, not sent";
pub const MOVE_TO_TRASH: &str = "Move to trash";
pub const NEW_NAME: &str = "New name";
pub const LOADING_FOLDERS: &str = "Loading folders…";
pub const LOADING_VERSIONS: &str = "Loading versions…";
pub const SHOW_TRASH: &str = "Show trash";
pub const FOLDER_PATH: &str = "Folder path";
pub const THIS_MATTER_IS_CLOSED_ITS_FILES: &str =
    "This matter is closed: its files can be read, not changed.";
pub const NEW_FOLDER_NAME: &str = "New folder name";
pub const NEW_FOLDER: &str = "New folder";
pub const UPLOAD_FILES: &str = "Upload files";
pub const NO_FILES_HERE_YET_DROP_FILES: &str =
    "No files here yet. Drop files here or use Upload files. ";
pub const SENDING_AND_SHARING_FILES: &str = "Sending and sharing files";
pub const FOLDER: &str = "Folder";
pub const SHARED_A_LIVE_LINK_IN_A: &str = "Shared: a live link in a conversation";
pub const SHARED: &str = "Shared";
pub const UPDATED_2: &str = " · updated ";
pub const TRASH: &str = "Trash";
pub const THE_TRASH_IS_EMPTY: &str = "The trash is empty.";
pub const RESTORE: &str = "Restore";
pub const ESTIMATING_TIME_LEFT: &str = "estimating time left";
pub const THERE_IS_NO_SUCH_UPLOAD_IT: &str =
    "There is no such upload: it may have finished or expired. Start the upload again.";
pub const SOMEONE_ELSE_SAVED_A_FILE_WITH: &str =
    "Someone else saved a file with this name at the same moment. Try again.";
pub const YOU_ARE_NO_LONGER_ON_THIS: &str = "You are no longer on this matter.";
pub const ANOTHER_REQUEST_MOVED_THIS_UPLOAD_ON: &str =
    "Another request moved this upload on meanwhile. Ask where it is (HEAD) and resume from there.";
pub const THE_FOLDER_OR_FILE_THIS_UPLOAD: &str = "The folder or file this upload was for was moved to the trash meanwhile. Restore it, or upload again elsewhere.";
pub const THE_REQUEST_ARRIVED_TOO_SLOWLY_AND: &str = "The request arrived too slowly and was given up. Check the connection and \
                     try again.";
pub const THERE_IS_NO_SUCH_API_CALL: &str = "There is no such API call.";
pub const THIS_KIND_OF_FILE_CANNOT_BE: &str =
    "This kind of file cannot be shown in the browser. Download it instead.";
pub const THIS_UPLOAD_CLIENT_SPEAKS_ANOTHER_VERSION: &str =
    "This upload client speaks another version of the tus protocol; this server speaks 1.0.0.\n";
pub const THE_UPLOADS_UPLOAD_METADATA_HEADER_IS: &str =
    "The upload's Upload-Metadata header is malformed.";
pub const GIVE_THE_FILES_SIZE_UPLOAD_LENGTH: &str =
    "Give the file's size (Upload-Length) when the upload starts.";
pub const GIVE_THE_FILES_SIZE_IN_BYTES: &str =
    "Give the file's size in bytes in the Upload-Length header.";
pub const SAY_WHICH_REQUEST_THE_UPLOAD_ANSWERS: &str =
    "Say which request the upload answers (the message metadata).";
pub const SAY_WHICH_LINE_OF_THE_REQUEST: &str =
    "Say which line of the request the upload answers (the item metadata).";
pub const SAY_WHICH_MATTER_THE_UPLOAD_IS: &str =
    "Say which matter the upload is for (the matter metadata).";
pub const AN_UPLOADS_PURPOSE_IS_FILES_ATTACHMENT: &str =
    "An upload's purpose is \"files\", \"attachment\" or \"request\".";
pub const THE_UPLOAD_CHECKSUM_VALUE_IS_NOT: &str =
    "The Upload-Checksum value is not a base64 SHA-256.";
pub const UPLOAD_BYTES_ARE_SENT_AS_APPLICATION: &str =
    "Upload bytes are sent as application/offset+octet-stream.\n";
pub const SAY_WHERE_THESE_BYTES_GO_UPLOAD: &str = "Say where these bytes go (Upload-Offset).";
pub const THESE_BYTES_GO_PAST_THE_END: &str =
    "These bytes go past the end of the file's declared size.";
pub const THESE_BYTES_DO_NOT_MATCH_THEIR: &str =
    "These bytes do not match their checksum: they were not kept. Send them again.\n";
pub fn something_named_was_put_here_at(name: &dyn Display) -> String {
    format!("Something named \"{name}\" was put here at the same moment. Choose another name.")
}
pub fn this_folder_has_no_free_name(name: &dyn Display) -> String {
    format!("This folder has no free name for \"{name}\". Rename the file and upload it again.")
}
/// "folder" or "file", inside a sentence.
fn item_noun(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Folder => "folder",
        ItemKind::Document => "file",
    }
}
pub fn name_taken(kind: ItemKind, name: &str) -> String {
    let what = item_noun(kind);
    format!("There is already a {what} named \"{name}\" here. Choose another name.")
}
pub fn versions(versions: &dyn Display) -> String {
    format!("Versions ({versions})")
}
pub fn actions_for(name: &dyn Display) -> String {
    format!("Actions for {name}")
}
pub fn move_to_the_trash(name: &dyn Display) -> String {
    format!("Move “{name}” to the trash?")
}
pub fn version(number: &dyn Display) -> String {
    format!("Version {number}")
}
pub fn viewing(name: &dyn Display) -> String {
    format!("Viewing {name}")
}
pub fn about_min_left(minutes: &dyn Display) -> String {
    format!("about {minutes} min left")
}
pub fn about_h_min_left(hours: &dyn Display, minutes: &dyn Display) -> String {
    format!("about {hours} h {minutes} min left")
}
pub fn this_file_is_a_file_can(size: &dyn Display) -> String {
    format!("This file is {size}; a file can be at most 5 GB.")
}
pub fn the_upload_is_at_byte_not(received: &dyn Display, offset: &dyn Display) -> String {
    format!(
        "The upload is at byte {received}, not {offset}. Ask where it is (HEAD) and resume from there."
    )
}
pub fn more_bytes_arrived_than_the_files(size: &dyn Display) -> String {
    format!("More bytes arrived than the file's declared size ({size}). Start the upload again.")
}
pub fn the_upload_was_stopped_and_nothing(why: &dyn Display) -> String {
    format!("{why} The upload was stopped and nothing of it was kept.")
}
pub fn this_request_is_too_large_the(kilobytes: &dyn Display) -> String {
    format!("This request is too large: the limit is {kilobytes} KB.")
}
pub fn that_byte_range_is_not_in(size: &dyn Display) -> String {
    format!("That byte range is not in this file, which is {size} bytes long.\n")
}
pub fn the_uploads_is_not_a_valid(key: &dyn Display) -> String {
    format!("The upload's {key} is not a valid id.")
}
pub fn the_upload_is_at_byte_resume(at: &dyn Display) -> String {
    format!("The upload is at byte {at}; resume from there.\n")
}

pub fn there_is_a_folder_named_here(name: &dyn Display) -> String {
    format!("There is a folder named \"{name}\" here. Rename the file or the folder first.")
}
pub fn a_folder_named_was_created_meanwhile(name: &dyn Display) -> String {
    format!("A folder named \"{name}\" was created here meanwhile. Rename it, then upload again.")
}

// ---- Help: the client guide and the staff help ----

pub const ACCEPT_YOUR_INVITATION: &str = "Accept your invitation";
pub const THE_SECOND_STEP_A_CODE: &str = "The second step: a code";
pub const READ_AND_ANSWER_MESSAGES: &str = "Read and answer messages";
pub const OPEN_A_SHARED_DOCUMENT: &str = "Open a shared document";
pub const DOWNLOAD_A_FILE_AND_CHECK_IT: &str = "Download a file and check it";
pub const SEND_THE_FIRM_A_FILE: &str = "Send the firm a file";
pub const PUT_THE_PORTAL_ON_YOUR_PHONE: &str = "Put the portal on your phone";
pub const ACCESS_REMOVED: &str = "“Access removed”";
pub const QUESTIONS: &str = "Questions";
pub const WRITE_TO_THE_FIRM_IN_ANY: &str = "Write to the firm in any of your conversations, or contact the person who handles your matter the way you usually do.";
pub const GETTING_STARTED: &str = "Getting started";
pub const THE_PORTAL_IS_WHERE_YOU_AND: &str = "The portal is where you and the firm exchange messages and documents, instead of email. Everything in it is sent encrypted, and only the people on your matter can see it.";
pub const CONTENTS: &str = "Contents";
pub const THE_FIRM_SENDS_YOU_AN_EMAIL: &str = "The firm sends you an email, and sometimes a text message, with a link. Open it, choose a password of at least 12 characters (a few words you will remember work well), and you are signed in.";
pub const THE_LINK_WORKS_ONCE_AND_ONLY: &str = "The link works once and only for a few days. If it no longer works, ask the firm to send a new invitation. Next time, sign in at the portal's address with your email and password; if you forget the password, use “Forgot your password?” on the ";
pub const SIGN_IN_PAGE: &str = "sign-in page";
pub const TO_KEEP_YOUR_MATTER_PRIVATE_THE: &str = "To keep your matter private, the portal may ask for a six-digit code as well as your password, when you sign in or open a conversation marked “Verification required”.";
pub const WITH_AN_AUTHENTICATOR_APP_GOOGLE_AUTHENTICATOR: &str = "With an authenticator app (Google Authenticator, Microsoft Authenticator, 1Password and others): sign in, open your account (your name at the top), choose “Set up an authenticator app” and scan the square code. From then on, enter the code the app shows.";
pub const WITHOUT_AN_APP_CHOOSE_TO_GET: &str = "Without an app: choose to get a code by email or by text message, and enter it within ten minutes.";
pub const WHEN_YOU_SET_UP_AN_APP: &str = "When you set up an app you get ten recovery codes. Keep them somewhere safe: each one works once, if you lose your phone.";
pub const AFTER_SIGNING_IN_YOU_SEE_YOUR: &str = "After signing in you see your conversations, newest first, with how many messages are unread. Open one to read it. Write in the reply box at the bottom and press Send. New messages appear as they arrive, without reloading.";
pub const WHEN_THE_FIRM_WRITES_TO_YOU: &str = "When the firm writes to you, you get an email (and perhaps a text message) saying so. A message in a conversation marked “Verification required” is never in the email: you read it in the portal, after the code.";
pub const WHEN_THE_FIRM_SHARES_A_FILE: &str = "When the firm shares a file or folder with you, it appears in the conversation. Open it to see it in the portal: a shared document always shows its latest version, and “Last updated” says when it last changed and by whom. A shared folder shows what is in it now.";
pub const PRESS_A_FILES_NAME_TO_DOWNLOAD: &str = "Press a file's name to download it. To be sure a download is exactly the firm's file, compare its SHA-256 fingerprint with the one the firm gives you. Your computer works it out:";
pub const WINDOWS_POWERSHELL: &str = "Windows (PowerShell): ";
pub const GET_FILEHASH_FILE_NAME: &str = "Get-FileHash \"file name\"";
pub const MAC_OR_LINUX_TERMINAL: &str = "Mac or Linux (Terminal): ";
pub const SHASUM_A_256_FILE_NAME: &str = "shasum -a 256 \"file name\"";
pub const THE_TWO_FINGERPRINTS_64_LETTERS_AND: &str = "The two fingerprints, 64 letters and digits, must be the same. If a single character differs, the file is not the same: tell the firm.";
pub const IN_A_CONVERSATION_PRESS_ATTACH_FILES: &str = "In a conversation, press “Attach files” under the reply box and choose one or more files (up to 100 MB each). Wait until each shows as ready, write a message if you like, and press Send. For a larger file, ask the firm how to send it.";
pub const THE_PORTAL_WORKS_IN_YOUR_PHONES: &str = "The portal works in your phone's browser, and you can put it on your home screen so it opens like an app:";
pub const IPHONE_OR_IPAD_SAFARI_PRESS_THE: &str =
    "iPhone or iPad (Safari): press the Share button, then “Add to Home Screen”.";
pub const ANDROID_CHROME_PRESS_THE_MENU_THEN: &str =
    "Android (Chrome): press the menu (⋮), then “Install app” or “Add to Home screen”.";
pub const IT_STILL_NEEDS_AN_INTERNET_CONNECTION: &str = "It still needs an internet connection, and it asks you to sign in again after a while without use.";
pub const ACCESS_REMOVED_MEANS_THE_FIRM_HAS: &str = "“Access removed” means the firm has stopped sharing that file or folder with you, or has taken you off that matter. Nothing is wrong with your account. If you still need the document, ask the firm.";
pub const MESSAGE_A_CONTACT: &str = "Message a contact";
pub const SEND_A_FILE: &str = "Send a file";
pub const SHARE_A_FILE_OR_FOLDER: &str = "Share a file or folder";
pub const REMOVE_ACCESS_TO_A_SHARED_ITEM: &str = "Remove access to a shared item";
pub const TEXT_MESSAGES_AND_MULTI_FACTOR_AUTHENTICATION: &str =
    "Text messages and multi-factor authentication";
pub const ADD_A_CLIENT_TO_A_MATTER: &str = "Add a client to a matter";
pub const HELP_YOUR_CLIENT_GET_STARTED: &str = "Help your client get started";
pub const YOUR_FIRMS_NAME_AND_COLOUR: &str = "Your firm's name and colour";
pub const HELP_FOR_THE_FIRM: &str = "Help for the firm";
pub const HOW_TO_TALK_WITH_CLIENTS_AND: &str =
    "How to talk with clients and give them documents in the portal. Clients have their own ";
pub const GETTING_STARTED_GUIDE: &str = "getting-started guide";
pub const OPEN_THE_MATTER_FROM: &str = "Open the matter from ";
pub const AND_SELECT: &str = " and select ";
pub const UNDER_ITS_NAME: &str = " under its name.";
pub const CHOOSE_THE_RECIPIENTS_AND_WRITE_YOUR: &str =
    "Choose the recipients and write your message.";
pub const CHOOSE_THE_OPTIONS_YOU_NEED_SEE: &str = "Choose the options you need (see ";
pub const TEXT_MESSAGES_AND_MULTI_FACTOR_AUTHENTICATION_2: &str =
    "text messages and multi-factor authentication";
pub const THEN_SEND_IF_THE_MATTER_ALREADY: &str = "), then Send. If the matter already has a conversation with exactly those recipients and the same protection, the message continues it; otherwise a new conversation starts, named by the message's first words (or a subject you give). Each recipient is told by email.";
pub const OR_START_A_CONVERSATION_YOURSELF_ON: &str =
    "Or start a conversation yourself: on a phone choose the Messages tab; select ";
pub const BESIDE_EXTERNAL_CONVERSATIONS_OR_INTERNAL_CONVERSATIONS: &str = " beside “External conversations” (or “Internal conversations” for staff only), choose the recipients and whether they must confirm it is them, give it a subject and a first message, then Create.";
pub const REPLY_IN_THE_BOX_AT_THE: &str = "Reply in the box at the bottom of the conversation; new messages arrive on everyone's open page without reloading.";
pub const SEND_DELIVERS_A_COPY_OF_A: &str = "Send delivers a copy of a file with a message, up to 100 MB a file. Later changes to the file do not reach the recipient.";
pub const IN_THE_MATTERS_ALL_FILES_OPEN: &str = "In the matter's All Files, open a file's menu (the “⋯” button, a right-click, or Shift+F10) and choose Send.";
pub const THE_FILE_WAITS_AS_A_CHIP: &str = "The file waits as a chip in the reply box of the open conversation, or in the new-conversation form; add a message and more files with “Attach files” if you like.";
pub const PRESS_SEND_FROM_INSIDE_A_CONVERSATION: &str = "Press Send. From inside a conversation, “Attach files” sends files from your computer the same way.";
pub const SHARE_GIVES_A_LIVE_LINK_THE: &str = "Share gives a live link: the recipient always sees the latest version of a file, and a folder as it is now, subfolders included. Up to 5 GB a file and 130 files a folder; any type of file.";
pub const IN_ALL_FILES_OPEN_THE_FILES: &str = "In All Files, open the file's or folder's menu and choose Share, or press Share in a conversation and pick the item.";
pub const IT_WAITS_AS_A_CHIP_IN: &str =
    "It waits as a chip in the reply box; write a message if you like and press Send.";
pub const A_SHARED_ITEM_SHOWS_THE_SHARED: &str = "A shared item shows the Shared icon; opening it shows when it was last updated, at the top right of the viewer. Everything shared on a matter is listed under “Shared files and folders”.";
pub const OPEN_THE_SHARED_ITEM_IN_THE: &str = "Open the shared item in the conversation, press “⋯” at its top right and choose “Remove access”. The recipients lose it at once: a viewer they have open closes with “Access removed”.";
pub const ALSO_SEND_AS_A_TEXT_MESSAGE_2: &str = "“Also send as a text message”: the message goes to the recipients' mobile numbers too (when the firm has text messages turned on). A protected conversation's text says only that there is a message.";
pub const REQUIRE_MULTI_FACTOR_AUTHENTICATION_RECIPIENTS_MUST: &str = "“Require multi-factor authentication”: recipients must enter a code (from their authenticator app, or sent by email or text) before they can read the conversation. Its emails never hold the message's text.";
pub const ON_THE_MATTERS_DETAILS_UNDER_CONTACTS: &str = "On the matter's Details, under “Contacts and staff”, add a person from the directory by email and choose their role. A new client is added first in ";
pub const WHERE_INVITE_SENDS_THEM_AN_EMAIL: &str =
    ", where “Invite” sends them an email (and a text, if you ask) to set their password.";
pub const IN_A_CONVERSATION_PRESS_ADD_THE: &str =
    "In a conversation, press “Add the client guide” to put a link to the ";
pub const CLIENT_GUIDE: &str = "client guide";
pub const IN_YOUR_REPLY_INVITATIONS_LINK_TO: &str = " in your reply. Invitations link to it too. Your welcome paragraph and contact details go into it from Settings.";
pub const AN_ADMINISTRATOR_SETS_THE_FIRMS_NAME: &str =
    "An administrator sets the firm's name, logo and accent colour in ";
pub const CLIENTS_THEN_SEE_THE_FIRMS_NAME: &str = ". Clients then see the firm's name and logo in the header, on the sign-in page, on the installed app and in every email (“Harper & Co via Dossier”) and text message.";
pub const GETTING_STARTED_WITH_THE_PORTAL: &str = "Getting started with the secure portal";
pub fn getting_started_with(firm: &dyn Display) -> String {
    format!("Getting started with {firm}'s secure portal")
}

// ---- Matters: list, details, contacts and staff, records ----

pub const CLOSE_THIS_MATTER: &str =
    "Close this matter? Nobody can write or add files on it until it is reopened.";

pub const GIVE_THE_DAY_AS_A_DATE: &str = "Give the day as a date, such as 2031-03-31.";
pub const STAFF_ARE_ADDED_IN_PEOPLE_BY: &str =
    "Staff are added in People by an administrator; here, add a client or another contact.";
pub const CLIENT: &str = "Client";
pub const OTHER_PARTY: &str = "Other party";
pub const COUNSEL: &str = "Counsel";
pub const OTHER_CONTACT: &str = "Other contact";
pub const STAFF: &str = "Staff";
pub const CHOOSE_THE_PERSONS_ROLE_ON_THE: &str =
    "Choose the person's role on the matter: client, other party, counsel, other contact or staff.";
pub const GO_TO_IT: &str = "Go to it";
pub const FIND_BY_NUMBER_NAME_OR_CONTACT: &str = "Find by number, name or contact";
pub const FIND_A_MATTER: &str = "Find a matter";
pub const INCLUDE_CLOSED: &str = "Include closed";
pub const NO_MATTERS_TO_SHOW: &str = "No matters to show.";
pub const CLOSED: &str = "Closed";
pub const OPEN_A_NEW_MATTER: &str = "Open a new matter";
pub const MATTER_NUMBER: &str = "Matter number";
pub const NAME: &str = "Name";
pub const DESCRIPTION_OPTIONAL: &str = "Description (optional)";
pub const OPEN_MATTER: &str = "Open matter";
pub const ROLE: &str = "Role";
pub const NAME_OR_EMAIL_OF_A_PERSON: &str = "Name or email of a person in the directory";
pub const THERE_IS_NO_SUCH_MATTER_OR: &str =
    "There is no such matter, or it is not shared with you.";
pub const MATTER: &str = "Matter";
pub const ACCESS_REVOKED: &str = "Access revoked";
pub const LEGAL_HOLD_NOTHING_ON_THIS_MATTER: &str =
    "Legal hold: nothing on this matter can be deleted";
pub const PARTS_OF_THIS_MATTER: &str = "Parts of this matter";
pub const FILES: &str = "Files";
pub const DETAILS: &str = "Details";
pub const EDIT_DETAILS: &str = "Edit details";
pub const DESCRIPTION: &str = "Description";
pub const CLOSE_MATTER: &str = "Close matter";
pub const REOPEN_MATTER: &str = "Reopen matter";
pub const RECORDS: &str = "Records";
pub const A_LEGAL_HOLD_KEEPS_EVERYTHING_ON: &str = "A legal hold keeps everything on the matter: its trash is not emptied and it is not deleted on a date, until the hold is lifted.";
pub const LIFT_THE_LEGAL_HOLD: &str = "Lift the legal hold";
pub const PLACE_A_LEGAL_HOLD: &str = "Place a legal hold";
pub const EVERY_OPENING_OF_A_CONVERSATION_AND: &str = "Every opening of a conversation and every view or download of a file on this matter is logged: who, when, which version, from where. Contacts never see the log.";
pub const EXPORT_ACTIVITY_CSV: &str = "Export activity (CSV)";
pub const DELETE_THIS_CLOSED_MATTER_ON_EMPTY: &str =
    "Delete this closed matter on (empty: keep it)";
pub const SAVE_THE_DATE: &str = "Save the date";
pub const CONTACTS_AND_STAFF: &str = "Contacts and staff";
pub const ADD_TO_MATTER: &str = "Add to matter";
pub const SOMEONE_NEW_ADD_AND_INVITE_A: &str = "Someone new: add and invite a contact";
pub const MOBILE_NUMBER_OPTIONAL_FOR_TEXT_MESSAGES: &str =
    "Mobile number (optional, for text messages)";
pub const INVITE_THEM_BY_EMAIL_NOW: &str = "Invite them by email now";
pub const SEND_THE_INVITATION_BY_TEXT_MESSAGE: &str = "Send the invitation by text message too";
pub const CLOSE_THE_MATTER_FIRST_ONLY_A: &str =
    "Close the matter first: only a closed matter is deleted on a date.";
pub const CHOOSE_A_DAY_AFTER_TODAY_FOR: &str = "Choose a day after today for deleting the matter.";
pub const ENTER_THE_MATTER_NUMBER: &str = "Enter the matter number.";
pub const THE_RESPONSIBLE_PERSON_MUST_BE_AN: &str =
    "The responsible person must be an active member of the firm's staff.";
pub const THAT_PERSON_IS_NOT_ON_THIS: &str = "That person is not on this matter.";
pub fn matter_opened(number: &dyn Display) -> String {
    format!("Matter {number} opened. ")
}
pub fn remove_from_this_matter_they_lose(name: &dyn Display) -> String {
    format!("Remove {name} from this matter? They lose access to it at once.")
}
pub fn this_closed_matter_and_everything_on(day: &dyn Display) -> String {
    format!("This closed matter and everything on it will be deleted on {day}.")
}
pub fn responsible(r: &dyn Display) -> String {
    format!("Responsible: {r}")
}
pub fn enter_the_matters(what: &dyn Display) -> String {
    format!("Enter the matter's {what}.")
}
pub fn the_matters_has_at_most_characters(what: &dyn Display, max: &dyn Display) -> String {
    format!("The matter's {what} has at most {max} characters.")
}
pub fn the_matters_contains_characters_that_cannot(what: &dyn Display) -> String {
    format!("The matter's {what} contains characters that cannot be shown.")
}
pub fn another_matter_already_has_the_number(number: &dyn Display) -> String {
    format!("Another matter already has the number {number}. Choose a different number.")
}
pub fn no_one_with_the_address_is(email: &dyn Display) -> String {
    format!(
        "No one with the address {email} is in the firm's directory. Add them on the People page first."
    )
}
pub fn is_on_the_firms_staff_add(display_name: &dyn Display) -> String {
    format!("{display_name} is on the firm's staff: add them as staff, not as a contact.")
}
pub fn is_a_contact_not_a_member(display_name: &dyn Display) -> String {
    format!("{display_name} is a contact, not a member of the firm's staff.")
}

// ---- People: the firm's directory ----

pub const ADD_A_PERSON: &str = "Add a person";
pub const CLIENT_OR_OTHER_CONTACT: &str = "Client or other contact";
pub const ADMINISTRATOR: &str = "Administrator";
pub const SEND_AN_INVITATION_BY_EMAIL_NOW: &str = "Send an invitation by email now";
pub const ALSO_SEND_IT_BY_TEXT_MESSAGE: &str = "Also send it by text message";
pub const ACTIVE: &str = "Active";
pub const INVITED: &str = "Invited";
pub const NOT_INVITED_YET: &str = "Not invited yet";
pub const SEND_AGAIN: &str = "Send again";
pub const SEND_INVITATION: &str = "Send invitation";
pub const REVOKE: &str = "Revoke";
pub const REVOKE_ACCESS: &str = "Revoke access";
pub const RESTORE_ACCESS: &str = "Restore access";
pub const CONTACT: &str = "Contact";
pub const CHOOSE_CLIENT_STAFF_OR_ADMINISTRATOR: &str = "Choose client, staff or administrator.";
pub const A_SEARCH_IS_AT_MOST_200: &str = "A search is at most 200 characters.";
pub const YOUR_FIRM_HAS_TURNED_TEXT_MESSAGES: &str =
    "Your firm has turned text messages off. Send the invitation by email only.";
pub const TEXT_MESSAGES_ARE_NOT_SET_UP: &str =
    "Text messages are not set up on this server. Send the invitation by email only.";
pub const THERE_IS_NO_SUCH_PERSON: &str = "There is no such person.";
pub const YOU_CANNOT_CHANGE_YOUR_OWN_ACCESS: &str =
    "You cannot change your own access. Ask another administrator.";
pub fn was_added(display_name: &dyn Display) -> String {
    format!("{display_name} was added.")
}
pub fn invitation_sent_to(email: &dyn Display) -> String {
    format!("Invitation sent to {email}.")
}
pub fn revoke_s_invitation_the_link_they(name: &dyn Display) -> String {
    format!("Revoke {name}'s invitation? The link they were sent stops working.")
}
pub fn revoke_s_access_they_are_signed(name: &dyn Display) -> String {
    format!("Revoke {name}'s access? They are signed out everywhere at once.")
}
pub fn has_no_mobile_number_add_one(name: &dyn Display) -> String {
    format!("{name} has no mobile number. Add one, or send the invitation by email only.")
}
pub fn s_access_was_revoked_restore_it(display_name: &dyn Display) -> String {
    format!("{display_name}'s access was revoked. Restore it before inviting them again.")
}
pub fn already_has_an_account_they_can(display_name: &dyn Display) -> String {
    format!(
        "{display_name} already has an account. They can sign in, or reset their password from the sign-in page."
    )
}
pub fn was_sent_several_invitations_in_the(display_name: &dyn Display) -> String {
    format!("{display_name} was sent several invitations in the last hour")
}
pub fn invited_you_to_the_secure_portal(inviter: &dyn Display) -> String {
    format!("{inviter} invited you to the secure portal")
}
pub fn hello_has_invited_you_to_the(
    name: &dyn Display,
    inviter: &dyn Display,
    link: &dyn Display,
    days: &dyn Display,
    guide: &dyn Display,
) -> String {
    format!(
        "Hello {name},\n\n{inviter} has invited you to the secure portal, where you can \
                 exchange messages and documents with the firm.\n\nOpen this link to set up \
                 your account and sign in:\n\n{link}\n\nThe link works once and expires in {days} \
                 days. A short guide to the portal: {guide}\n\nIf you were not expecting this, \
                 you can ignore this email.\n"
    )
}
pub fn invited_you_to_the_secure_portal_2(
    inviter: &dyn Display,
    days: &dyn Display,
    link: &dyn Display,
) -> String {
    format!(
        "{inviter} invited you to the secure portal. Set up your account (link expires in {days} days): {link}"
    )
}

// ---- Access: what each person may do ----

pub const ONLY_THE_FIRMS_STAFF_CAN_CHANGE: &str = "Only the firm's staff can change a matter.";
pub const ONLY_THE_FIRMS_STAFF_CAN_CHANGE_2: &str =
    "Only the firm's staff can change who is in a conversation.";
pub const ONLY_THE_FIRM_CAN_REMOVE_ACCESS: &str =
    "Only the firm can remove access to a shared file or folder.";
pub const ONLY_AN_ADMINISTRATOR_CAN_MANAGE_STAFF: &str =
    "Only an administrator can manage staff accounts.";
pub const YOUR_FIRM_REQUIRES_TWO_STEP_VERIFICATION_2: &str = "Your firm requires two-step verification. Set up an \
     authenticator app on your account page first.";
pub const THERE_IS_NO_SUCH_CONVERSATION_OR: &str =
    "There is no such conversation, or it is not shared with you.";
pub const THERE_IS_NO_SUCH_MESSAGE_OR: &str =
    "There is no such message, or it is not shared with you.";
pub const THERE_IS_NO_SUCH_FILE_REQUEST: &str =
    "There is no such file request, or it is not for you. It may have been deleted.";
pub const THIS_FILE_OR_FOLDER_IS_NOT: &str =
    "This file or folder is not shared with you, or no longer is.";
pub const THERE_IS_NO_SUCH_FILE_OR: &str = "There is no such file, or it is not shared with you.";
pub const ONLY_ITS_AUTHOR_CAN_EDIT_OR: &str = "Only its author can edit or delete a message.";
pub const YOUR_FIRM_DOES_NOT_ALLOW_MESSAGES: &str = "Your firm does not allow messages to be edited or deleted once sent. Write \
                 a new message instead.";
pub const A_FILE_REQUEST_IS_FOR_THE: &str = "A file request is for the firm's contacts to answer; put the firm's own files \
                 in All Files.";
pub const ONLY_THE_FIRMS_STAFF_CAN_DO: &str = "Only the firm's staff can do this.";
pub const ONLY_AN_ADMINISTRATOR_CAN_DO_THIS: &str = "Only an administrator can do this.";
pub fn a_message_can_be_edited_or(num_minutes: &dyn Display) -> String {
    format!(
        "A message can be edited or deleted for {num_minutes} minutes after it is sent, and that \
                 time has passed. Write a new message instead."
    )
}

// ---- Settings: the firm's name, logo, sessions and rules ----

pub const THE_LOGO_MUST_BE_A_PNG: &str =
    "The logo must be a PNG, JPEG or WebP image (SVG is not accepted: it can hold script).";
pub const LOGO: &str = "Logo";
pub const THE_FIRMS_LOGO_NOW_IN_USE: &str = "The firm's logo now in use";
pub const CHOOSE_A_LOGO: &str = "Choose a logo";
pub const CHOOSE_ANOTHER_LOGO: &str = "Choose another logo…";
pub const CHOOSE_A_LOGO_2: &str = "Choose a logo…";
pub const REMOVE_THE_LOGO: &str = "Remove the logo";
pub const PNG_JPEG_OR_WEBP_UP_TO: &str = "PNG, JPEG or WebP, up to 200 KB, shown beside the firm's name. A square PNG of 192 pixels or more is also the installed app's icon.";
pub const THE_PORTAL_COULD_NOT_BE_REACHED_2: &str =
    "The portal could not be reached. Check the connection and try again.";
pub const THE_COUNTRY_FOR_MOBILE_NUMBERS_IS: &str =
    "The country for mobile numbers is its two-letter code, like GB, IE or US.";
pub const THE_IDLE_TIMEOUT: &str = "The idle timeout";
pub const THE_SESSION_LIFETIME: &str = "The session lifetime";
pub const THE_MULTI_FACTOR_WINDOW: &str = "The multi-factor window";
pub const THE_DAYS_KEPT_IN_THE_TRASH: &str = "The days kept in the trash";
pub const THE_TIME_TO_EDIT_OR_DELETE: &str = "The time to edit or delete a message";
pub const THE_GUIDES_WELCOME: &str = "The guide's welcome";
pub const THE_GUIDES_CONTACT_DETAILS: &str = "The guide's contact details";
pub const THE_IDLE_TIMEOUT_CANNOT_BE_LONGER: &str =
    "The idle timeout cannot be longer than the session lifetime.";
pub const SETTINGS_SAVED: &str = "Settings saved.";
pub const FIRM_SETTINGS: &str = "Firm settings";
pub const YOUR_FIRM: &str = "Your firm";
pub const SHOWN_TO_CLIENTS_IN_PLACE_OF: &str = "Shown to clients in place of “Dossier”: in the header, on the sign-in page, in the installed app, the client guide, and every email (“Harper & Co via Dossier”) and text message.";
pub const FIRM_NAME: &str = "Firm name";
pub const ACCENT_COLOUR_BUTTONS_AND_HEADER: &str = "Accent colour (buttons and header)";
pub const SESSIONS: &str = "Sessions";
pub const N_30_MINUTES_AND_12_HOURS_MEET: &str = "30 minutes and 12 hours meet the OWASP ASVS level 2 standard for applications holding sensitive data. Longer values mean fewer sign-ins, but a phone or computer left unlocked, or a stolen session cookie, stays in the account that much longer.";
pub const MULTI_FACTOR_AUTHENTICATION: &str = "Multi-factor authentication";
pub const REQUIRE_STAFF_AND_ADMINISTRATORS_TO_USE: &str =
    "Require staff and administrators to use an authenticator app";
pub const A_MATTER_ON_LEGAL_HOLD_KEEPS: &str =
    "A matter on legal hold keeps its trash until the hold is lifted.";
pub const CLIENTS: &str = "Clients";
pub const CLIENTS_SIGN_IN_WITH_A_ONE: &str =
    "Clients sign in with a one-time link sent by email, without a password";
pub const SEND_INVITATIONS_AND_CODES_BY_TEXT: &str =
    "Send invitations and codes by text message when asked";
pub const ALWAYS_EMAIL_THE_NOTICE_THAT_A: &str = "Always email the notice that a protected conversation has a new message, even to people who turned email off (it holds no text of the message)";
pub const COUNTRY_OF_MOBILE_NUMBERS_TYPED_WITHOUT: &str =
    "Country of mobile numbers typed without + (two letters, like GB; empty: always international)";
pub const CLIENT_GUIDE_2: &str = "Client guide";
pub const YOUR_WORDS_IN_THE: &str = "Your words in the ";
pub const WHICH_INVITATIONS_LINK_TO_PLAIN_TEXT: &str = ", which invitations link to. Plain text.";
pub const WELCOME_PARAGRAPH: &str = "Welcome paragraph";
pub const HOW_CLIENTS_REACH_YOU_NAMES_TELEPHONE: &str =
    "How clients reach you (names, telephone, hours)";
pub const SAVE_SETTINGS: &str = "Save settings";
pub const SET_UP_TWO_STEP_VERIFICATION_FOR: &str = "Set up two-step verification for your own account first (Account, Two-step \
             verification), then require it of staff.";
pub fn sent_by_s_client_portal_replies(trim_end: &dyn Display, firm: &dyn Display) -> String {
    format!(
        "{trim_end}\n\n-- \n{firm}\nSent by {firm}'s client portal. Replies to this email are not \
             read: answer in the portal.\n"
    )
}
pub fn is_not_a_colour_write_it(trim: &dyn Display) -> String {
    format!("\"{trim}\" is not a colour: write it as # and six hexadecimal digits, e.g. #1f3a5f.")
}
pub fn the_logo_is_pixels_each_side(
    width: &dyn Display,
    height: &dyn Display,
    start: &dyn Display,
    end: &dyn Display,
) -> String {
    format!(
        "The logo is {width} × {height} pixels; each side must be between {start} and {end} pixels."
    )
}
pub fn the_logo_is_it_can_be(size: &dyn Display, most: &dyn Display) -> String {
    format!("The logo is {size}; it can be at most {most}. Save it smaller, e.g. 512 pixels wide.")
}
pub fn the_logo_was_not_changed_error(status: &dyn Display) -> String {
    format!("The logo was not changed (error {status}).")
}
pub fn must_be_between_and(
    what: &dyn Display,
    start: &dyn Display,
    end: &dyn Display,
    unit: &dyn Display,
) -> String {
    format!("{what} must be between {start} and {end} {unit}.")
}
pub fn dark_enough_for_white_text_on(ratio: &dyn Display) -> String {
    format!("Dark enough for white text on it to be read ({ratio}:1 contrast or more).")
}
pub fn sign_out_after_this_many_minutes(start: &dyn Display, end: &dyn Display) -> String {
    format!("Sign out after this many minutes without activity ({start}–{end})")
}
pub fn sign_out_this_many_hours_after(start: &dyn Display, end: &dyn Display) -> String {
    format!("Sign out this many hours after signing in ({start}–{end})")
}
pub fn a_verified_person_may_open_mfa(start: &dyn Display, end: &dyn Display) -> String {
    format!("A verified person may open MFA conversations for this many hours ({start}–{end})")
}
pub fn delete_what_has_been_in_a(start: &dyn Display, end: &dyn Display) -> String {
    format!("Delete what has been in a matter's trash for this many days ({start}–{end})")
}
pub fn authors_may_edit_or_delete_their(start: &dyn Display, end: &dyn Display) -> String {
    format!(
        "Authors may edit or delete their message for this many minutes ({start}–{end}; 0: never)"
    )
}
pub fn is_not_a_country_code_the(mobile_country: &dyn Display) -> String {
    format!(
        "{mobile_country} is not a country code the portal knows: use the two letters of ISO 3166, like GB."
    )
}

// ---- Shared: words used across the portal (errors, times, the shell) ----

/// The installed app's description (`/manifest.webmanifest`).
pub const APP_DESCRIPTION: &str = "Your law firm's secure client portal";
/// The page a phone shows offline (`/offline.html`).
pub const OFFLINE_TITLE: &str = "Offline";
pub const YOU_ARE_OFFLINE: &str = "You are offline";
pub const OFFLINE_EXPLAINED: &str = "Dossier needs a connection to show your matters, messages and files: nothing confidential is kept on this device.";
pub const TRY_AGAIN: &str = "Try again";

pub const PLEASE_SIGN_IN_TO_CONTINUE: &str = "Please sign in to continue.";
pub const THIS_CONVERSATION_IS_PROTECTED: &str =
    "This conversation is protected. Confirm it is you with a verification code to read it.";
pub fn something_went_wrong(reference: &dyn Display) -> String {
    format!(
        "Something went wrong on our side. Please try again; if it keeps happening, give your \
         firm's administrator this reference: {reference}."
    )
}

pub const THE_REQUEST_WAS_NOT_UNDERSTOOD_RELOAD: &str =
    "The request was not understood. Reload the page and try again.";
pub const THE_PORTAL_COULD_NOT_BE_REACHED: &str =
    "The portal could not be reached. Check your connection and try again.";
pub const FROM_YOUR_NETWORK: &str = " from your network";
pub const THE_SERVER_IS_FOLLOWING_TOO_MANY: &str = "The server is following too many open pages right now. The page will \
                     update when you reload it.";
pub const WHAT_CHANGED: &str = "\n\nWhat changed:\n";
pub const PAGE_NOT_FOUND: &str = "Page not found";
pub const THIS_PAGE_DOES_NOT_EXIST_OR: &str =
    "This page does not exist or is no longer available to you.";
pub const GO_TO_THE_HOME_PAGE: &str = "Go to the home page";
pub const ESCAPE: &str = "Escape";
pub const JANUARY: &str = "January";
pub const FEBRUARY: &str = "February";
pub const MARCH: &str = "March";
pub const APRIL: &str = "April";
pub const MAY: &str = "May";
pub const JUNE: &str = "June";
pub const JULY: &str = "July";
pub const AUGUST: &str = "August";
pub const SEPTEMBER: &str = "September";
pub const OCTOBER: &str = "October";
pub const NOVEMBER: &str = "November";
pub const DECEMBER: &str = "December";
pub const SUNDAY: &str = "Sunday";
pub const MONDAY: &str = "Monday";
pub const TUESDAY: &str = "Tuesday";
pub const WEDNESDAY: &str = "Wednesday";
pub const THURSDAY: &str = "Thursday";
pub const FRIDAY: &str = "Friday";
pub const SATURDAY: &str = "Saturday";
pub const YESTERDAY: &str = "Yesterday";
pub fn wait_and_try_again(
    what: &dyn Display,
    whose: &dyn Display,
    wait_words: &dyn Display,
) -> String {
    format!("{what}{whose}. Wait {wait_words} and try again.")
}
pub fn this_browser_already_follows_pages_live(mine: &dyn Display) -> String {
    format!(
        "This browser already follows {mine} pages live. Close some tabs of the \
                     portal, then reload this one."
    )
}
pub fn yesterday(clock: &dyn Display) -> String {
    format!("Yesterday {clock}")
}

// ---- Shares: live links to files and folders ----

pub const REMOVE_ACCESS_FOR_EVERYONE_QUESTION: &str =
    "Remove access for everyone? Nobody in the conversation can open it any more.";

pub const THAT_IS_NOT_A_DATE_THE: &str = "That is not a date the portal can use.";
pub const ACCESS_REMOVED_2: &str = "Access removed";
pub const ACCESS_ENDED: &str = "Access ended";
pub const NO_LONGER_AVAILABLE: &str = "No longer available";
pub const UNTIL: &str = " · until ";
pub const A_SHARED_ITEM: &str = "A shared item";
pub const SHARED_ALWAYS_THE_LATEST_VERSION: &str = "Shared: always the latest version";
pub const SHARED_FILES_AND_FOLDERS: &str = "Shared files and folders";
pub const NOTHING_SHARED_YET: &str = "Nothing shared yet.";
pub const ACCESS_ENDS_AFTER: &str = "Access ends after";
pub const SET_END_DATE: &str = "Set end date";
pub const NO_END_DATE: &str = "No end date";
pub const CHOOSE_A_DAY: &str = "Choose a day.";
pub const VERSIONS: &str = "Versions";
pub const SHA_256: &str = "SHA-256 ";
pub const TO_CHECK_THAT_A_DOWNLOAD_IS: &str = "To check that a download is exactly this file, compare its SHA-256 with the one above: on Windows, ";
pub const ON_A_MAC_OR_LINUX: &str = "; on a Mac or Linux, ";
pub const SHARED_WITH_YOU: &str = "Shared with you";
pub const THE_FIRM_NO_LONGER_SHARES_THIS: &str = "The firm no longer shares this with you. ";
pub const WHAT_THIS_MEANS: &str = "What this means";
pub const BACK_TO_THE_CONVERSATION: &str = "Back to the conversation";
pub const LAST_UPDATED: &str = "Last updated ";
pub const THIS_FOLDER_IS_EMPTY: &str = "This folder is empty.";
pub const MORE: &str = "More";
pub const REMOVE_ACCESS_FOR_EVERYONE: &str = "Remove access for everyone";
pub const SHARED_BY: &str = "Shared by ";
pub const YOU_ALWAYS_SEE_THE_LATEST_VERSION: &str = ". You always see the latest version here.";
pub const ACCESS_ENDS: &str = " Access ends ";
pub const SHARE_A_FOLDER_INSIDE_ALL_FILES: &str =
    "Share a folder inside All Files, not all of the matter's files at once.";
pub const THAT_PERSON_IS_NOT_IN_THIS_2: &str =
    "That person is not in this conversation, so the share does not reach them.";
pub const CHOOSE_A_DAY_FROM_TOMORROW_ON: &str =
    "Choose a day from tomorrow on. To stop access now, use Remove access.";
pub const NO_END_DATE_2: &str = "no end date";
pub fn access_removed(name: &dyn Display) -> String {
    format!("{name} (access removed)")
}
pub fn updated_since_you_last_looked(get: &dyn Display) -> String {
    format!("{get} updated since you last looked")
}
pub fn version_history(count: &dyn Display) -> String {
    format!("Version history ({count})")
}
pub fn remove_access_for(name: &dyn Display) -> String {
    format!("Remove access for {name}")
}
pub fn remove_access_for_the_others_in(name: &dyn Display) -> String {
    format!("Remove access for {name}? The others in the conversation keep it.")
}
pub fn new_added_by(name: &dyn Display, by: &dyn Display) -> String {
    format!("- {name}: new, added by {by}")
}
pub fn shared_files_updated_on(number: &dyn Display) -> String {
    format!("Shared files updated on {number}")
}
pub fn shared_item_in_trash(kind: ItemKind) -> String {
    let noun = item_noun(kind);
    format!("This shared {noun} is no longer available: the firm moved it to the trash.")
}

pub fn protected_shares_changed_email(name: &dyn Display, link: &dyn Display) -> String {
    format!(
        "Hello {name},\n\nFiles shared with you in a secure conversation have changed. Sign in \
         and confirm it is you to see them:\n{link}\n"
    )
}
pub fn shared_files_updated_in(number: &dyn Display, subject: &dyn Display) -> String {
    format!("{number}: shared files updated in {subject}")
}
pub fn shares_changed_email(
    name: &dyn Display,
    subject: &dyn Display,
    link: &dyn Display,
) -> String {
    format!(
        "Hello {name},\n\nFiles shared with you in \"{subject}\" have changed. See them:\n{link}"
    )
}

// ---- System: the portal's status page ----

pub const ALL_MATTERS: &str = "All matters";
pub const YOUR_MATTERS_MESSAGES_AND_DOCUMENTS_IN: &str =
    "Your matters, messages and documents in one secure place";
pub const DOSSIER_IS_YOUR_LAW_FIRMS_PRIVATE: &str =
    "Dossier is your law firm's private client portal.";
pub const TALK_WITH_YOUR_LAWYER_SHARE_DOCUMENTS: &str =
    " Talk with your lawyer, share documents and follow your matter from any browser or phone.";
pub const NEW_HERE_HOW_THE_PORTAL_WORKS: &str = "New here? How the portal works";
pub const NOT_ANSWERING: &str = "not answering";
pub const PORTAL_STATUS: &str = "Portal status";
pub const CHECK_THAT_THIS_PORTAL_CAN_REACH: &str =
    "Check that this portal can reach its database and document storage.";
pub const CHECK_NOW: &str = "Check now";
pub fn this_is_s_private_client_portal(firm: &dyn Display) -> String {
    format!("This is {firm}'s private client portal.")
}
pub fn status_line(database: &dyn Display, storage: &dyn Display, version: &dyn Display) -> String {
    format!("Database: {database} · Storage: {storage} · Version {version}")
}
