// A family support referral → a plan's service delivered → closure approved by the center's
// head, in the pages the center's people use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedServerAndBrowser, newPage, signIn, follow, screenshot } from '../support.mjs';
import { violations } from '../axe.mjs';

const env = sharedServerAndBrowser();

test('a referral is accepted, served, and closed with the head’s approval', async () => {
  const specialist = await newPage(env.browser);
  await signIn(specialist, env.server, 'family-center');
  assert.match(specialist.url(), /\/staff\/support/, 'a specialist lands on the center’s inbox');
  await specialist.goto(`${env.server.url}/staff/support?lang=en`);
  await screenshot(specialist, 'family-center-inbox-desktop');
  await follow(specialist, '#referrals form[action*="/accept"] button');
  assert.match(specialist.url(), /\/staff\/support-cases\//, 'accepting opens the case');
  const casePage = specialist.url().split('?')[0];
  assert.deepEqual(await violations(specialist), [], 'the case page passes axe');

  const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  await specialist.fill('#g0_goal', 'Synthetic: the family feels safe at home');
  await specialist.selectOption('#g0_service', 'psychological_counselling');
  await specialist.selectOption('#g0_responsible_id', { index: 1 });
  await specialist.fill('#g0_due_on', due);
  await follow(specialist, '#plan-form button[type=submit]');
  assert.match(await specialist.textContent('main'), /the family feels safe at home/, 'the plan is shown');

  await specialist.selectOption('#log_service', 'psychological_counselling');
  await specialist.fill('#log_on', new Date().toISOString().slice(0, 10));
  await specialist.fill('#log_minutes', '50');
  await specialist.fill('#log_note', 'Synthetic: first session, the client feels safer.');
  await follow(specialist, 'form[action*="/service"] button');
  assert.match(await specialist.textContent('main'), /50/);

  await specialist.selectOption('#closure_outcome', { index: 1 });
  await follow(specialist, 'form[action*="/request-closure"] button');
  assert.equal(await specialist.locator('form[action*="/approve-closure"]').count(), 0, 'a specialist does not approve');

  const head = await newPage(env.browser);
  await signIn(head, env.server, 'family-center-head');
  await head.goto(`${casePage}?lang=en`);
  await follow(head, 'form[action*="/approve-closure"] button');
  assert.equal(await head.getAttribute('#case-status', 'data-status'), 'closed');
  await head.goto(`${casePage}?lang=kk`);
  assert.match(await head.textContent('#case-status'), /Жабық/);
  await screenshot(head, 'family-center-case-closed-desktop');
});
