// Conversations that change (issue 22): the firm edits and deletes its own message and the
// client's phone shows it at once, "edited" or "Message deleted"; the firm removes the client,
// whose open page says the conversation is gone for her, and adds her again; everyone sees who
// joined and left among the messages.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, createAdmin, hydrated, resultsDir, signIn, startWorld, stopWorld, T, watchForErrors } from './portal.mjs';

let world;

before(async () => { world = await startWorld({ smtp: true }); });
after(() => stopWorld(world));

const GRACE = 'grace@client.example';

test('the firm edits, deletes and changes who is in a conversation, and the client sees it live', async () => {
  const { portal, browser, smtp } = world;
  const admin = await createAdmin(portal);
  const staffContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const staff = await staffContext.newPage();
  const staffErrors = watchForErrors(staff);
  await signIn(staff, portal, admin);
  const matter = await api(staffContext, portal, 'matters/create', { number: '2026-0720', name: 'Hopper lease' });
  const grace = await api(staffContext, portal, 'people/add', { display_name: 'Grace Hopper', email: GRACE, role: 'client', invite: 'true' });
  await api(staffContext, portal, 'matters/people/add', { id: matter.id, email: GRACE, role: 'client' });
  const conversation = await api(staffContext, portal, 'conversations/create', {
    matter_id: matter.id, subject: 'Signing', body: 'Please sign on Tuesday.', 'participants[0]': grace.id,
  });

  const clientContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const token = new URL(await smtp.link(GRACE, `${portal.url}/invitation?token=`)).searchParams.get('token');
  await api(clientContext, portal, 'invitations/accept', { token, password: 'harbour lantern orchard violet' });
  const client = await clientContext.newPage();
  const clientErrors = watchForErrors(client);
  const address = `${portal.url}/matters/${matter.id}?conversation=${conversation}`;
  await client.goto(address);
  await hydrated(client);
  await staff.goto(address);
  await hydrated(staff);
  const theirs = client.getByTestId(T.MESSAGES_LIST);
  const ours = staff.getByTestId(T.MESSAGES_LIST);
  await theirs.getByText('Please sign on Tuesday.').waitFor();
  assert.equal(await theirs.getByTestId(T.EDIT_MESSAGE).count(), 0, 'not hers to change');

  // An edit: "edited" on both pages, the new text on her phone without a reload.
  const first = ours.getByTestId(T.MESSAGE).filter({ hasText: 'Please sign on Tuesday.' });
  await first.getByTestId(T.EDIT_MESSAGE).click();
  // In the editor the text is the box's value, no longer the message's text.
  const editor = ours.getByTestId(T.MESSAGE).filter({ has: staff.getByTestId(T.EDIT_MESSAGE_TEXT) });
  assert.equal(await editor.getByTestId(T.EDIT_MESSAGE_TEXT).inputValue(), 'Please sign on Tuesday.');
  await editor.getByTestId(T.EDIT_MESSAGE_TEXT).fill('Please sign on **Wednesday**.');
  await editor.getByTestId(T.SAVE_MESSAGE).click();
  await ours.getByTestId(T.MESSAGE_EDITED).waitFor();
  const edited = theirs.getByTestId(T.MESSAGE).filter({ hasText: 'Please sign on Wednesday.' });
  await edited.getByTestId(T.MESSAGE_EDITED).waitFor();
  assert.equal(await edited.locator('.message-body strong').textContent(), 'Wednesday');
  await client.screenshot({ path: `${resultsDir}/conversation-edited-phone.png` });

  // A delete, asked twice: "Message deleted" on both pages.
  await api(staffContext, portal, 'conversations/post', { id: conversation, body: 'The wrong account number: 12345678' });
  const wrong = ours.getByTestId(T.MESSAGE).filter({ hasText: '12345678' });
  await theirs.getByText('12345678').waitFor();
  await wrong.getByTestId(T.DELETE_MESSAGE).click();
  await wrong.getByTestId(T.CONFIRM_DELETE_MESSAGE).click();
  await ours.getByTestId(T.MESSAGE_DELETED).waitFor();
  await theirs.getByTestId(T.MESSAGE_DELETED).waitFor();
  assert.equal(await theirs.getByText('12345678').count(), 0);

  // She is removed: her page says so at once; the firm sees it among the messages.
  await staff.getByTestId(T.MANAGE_PEOPLE).locator('summary').click();
  const her = staff.getByTestId(T.PARTICIPANT).filter({ hasText: 'Grace Hopper' });
  await her.getByTestId(T.REMOVE_PARTICIPANT).click();
  await her.getByTestId(T.CONFIRM_REMOVE_PARTICIPANT).click();
  await ours.getByTestId(T.MEMBERSHIP_CHANGE).filter({ hasText: 'Grace Hopper was removed by Ada Lovelace' }).waitFor();
  await client.getByText('You are no longer in this conversation').waitFor();
  assert.equal(await client.getByTestId(T.CONVERSATION_ITEM).count(), 0, 'gone from her list');
  assert.ok(await client.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing scrolls sideways');
  await client.screenshot({ path: `${resultsDir}/conversation-removed-phone.png`, fullPage: true });

  // Added again from the same panel: it is hers again, with what happened shown in order.
  const panel = staff.getByTestId(T.MANAGE_PEOPLE);
  if (!(await panel.evaluate((e) => e.open))) await panel.locator('summary').click();
  await staff.getByTestId(T.ADD_PARTICIPANT_CHOICE).selectOption({ label: 'Grace Hopper (Client)' });
  await staff.getByTestId(T.ADD_PARTICIPANT).click();
  await ours.getByTestId(T.MEMBERSHIP_CHANGE).filter({ hasText: 'Grace Hopper was added by Ada Lovelace' }).waitFor();
  // On her phone the open conversation fills the screen (its list is behind "All conversations").
  await client.getByTestId(T.CONVERSATION_ITEM).filter({ hasText: 'Signing' }).waitFor({ state: 'attached' });
  await theirs.getByText('Please sign on Wednesday.').waitFor();
  await client.goto(address);
  await hydrated(client);
  await theirs.getByTestId(T.MEMBERSHIP_CHANGE).nth(1).waitFor();
  assert.deepEqual(
    (await theirs.getByTestId(T.MEMBERSHIP_CHANGE).allTextContents()).map((t) => t.split(' · ')[0]),
    ['Grace Hopper was removed by Ada Lovelace', 'Grace Hopper was added by Ada Lovelace'],
  );
  await staff.screenshot({ path: `${resultsDir}/conversation-people.png`, fullPage: true });

  assert.deepEqual(staffErrors, []);
  assert.deepEqual(clientErrors, []);
  await client.close();
  await staff.close();
  await staffContext.close();
  await clientContext.close();
});
