// The staff journeys: an operator's phone intake with immediate danger; an agency's work
// reported back and accepted, which the reporter then sees; a school's report; a wrong
// password, then the lockout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedServerAndBrowser, newPage, signIn, follow, screenshot } from '../support.mjs';
import { violations } from '../axe.mjs';

const env = sharedServerAndBrowser();

test('an operator takes a call with someone in danger now: the 102 banner, then the routing', async () => {
  const page = await newPage(env.browser);
  await signIn(page, env.server, 'operator');
  await page.goto(`${env.server.url}/staff/intake?lang=en`);
  await page.selectOption('#region', 'KZ-75');
  await page.fill('#narrative', 'Synthetic: the caller says her husband is breaking the door now.');
  await page.fill('#victim_age', '34');
  await page.check('#q_danger_now');
  await page.waitForSelector('#emergency-banner', { timeout: 10_000 }); // the preview updates as answers change
  assert.match(await page.textContent('#emergency-banner'), /102/);
  const routed = await page.textContent('#preview table.assignments');
  assert.match(routed, /Police/i, routed);
  await screenshot(page, 'operator-intake-danger-desktop');
  assert.deepEqual(await violations(page), [], 'the intake screen with its banner passes axe');
  await follow(page, 'button.button:not(.secondary)');
  assert.match(await page.textContent('#tracking-code'), /^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
  await page.context().close();
});

/** The links of the police inbox's lines. */
async function inboxLinks(page) {
  await page.goto(`${env.server.url}/staff/inbox?lang=en`);
  return page.$$eval('main table a', (links) => links.map((a) => a.getAttribute('href')));
}

test('the police acknowledge and report back, the operator accepts, and the reporter sees the outcome', async () => {
  const police = await newPage(env.browser);
  await signIn(police, env.server, 'police');
  const before = await inboxLinks(police);
  const reporter = await newPage(env.browser);
  await reporter.goto(`${env.server.url}/report?lang=en`);
  await reporter.fill('#narrative', 'Synthetic: my sister is beaten by her husband.');
  await reporter.selectOption('#region', 'KZ-75');
  await reporter.check('#q_danger_now');
  await follow(reporter, 'button[type=submit]');
  const code = (await reporter.textContent('#tracking-code')).trim();
  const pin = (await reporter.textContent('#status-pin')).trim();

  const added = (await inboxLinks(police)).filter((link) => !before.includes(link));
  assert.equal(added.length, 1, `the new complaint is in the police inbox: ${added}`);
  await police.goto(`${env.server.url}${added[0]}`);
  assert.deepEqual(await violations(police), [], 'the assignment page passes axe');
  await follow(police, 'form:has(input[name=step][value=acknowledge]) button');
  await police.check('#act_home_visit');
  await police.fill('#results', 'Synthetic: visited, the husband was warned.');
  await follow(police, 'form:has(input[name=step][value=submit_report]) button');
  assert.match(await police.textContent('main'), /Report submitted/);

  const operator = await newPage(env.browser);
  await signIn(operator, env.server, 'operator');
  await operator.goto(police.url().replace(/lang=\w+/, 'lang=en'));
  await follow(operator, 'form:has(input[name=step][value=accept]) button');
  assert.match(await operator.textContent('main'), /Report accepted/);

  await reporter.goto(`${env.server.url}/status?lang=en`);
  await reporter.fill('#tracking_code', code);
  await reporter.fill('#pin', pin);
  await follow(reporter, 'button[type=submit]');
  assert.match(await reporter.textContent('#status-progress'), /accepted/i);
  for (const p of [reporter, police, operator]) await p.context().close();
});

test('a school reports an incident: routed at once, with where each agency stands', async () => {
  const page = await newPage(env.browser, { width: 360, height: 740 });
  await signIn(page, env.server, 'school');
  assert.match(page.url(), /\/staff\/school-report/, 'a school lands on its report form');
  await page.goto(`${env.server.url}/staff/school-report?lang=kk`);
  await page.check('#kind-bullying');
  const learned = new Date(Date.now() + 5 * 3600_000 - 2 * 3600_000).toISOString().slice(0, 16); // 2 h ago, Kazakhstan time
  await page.fill('#learned_at', learned);
  await page.fill('#narrative', 'Synthetic: older pupils take a younger pupil’s things every day.');
  await page.selectOption('#m0_role', 'victim');
  await page.fill('#m0_age', '11');
  await page.fill('#actions_taken', 'Synthetic: separated the pupils, called the parents.');
  await follow(page, 'main button[type=submit]');
  assert.match(page.url(), /\/staff\/school-reports\//);
  const agencies = await page.textContent('#agencies');
  assert.ok(agencies.split('\n').filter((l) => l.trim()).length > 2, agencies);
  assert.doesNotMatch(await page.textContent('#timeliness'), /кеш/, 'reported within the limit: not late');
  await screenshot(page, 'school-report-sent-mobile');
  assert.deepEqual(await violations(page), [], 'the school report page passes axe');
  await page.context().close();
});

test('a wrong password is refused plainly, and the fifth locks the account', async () => {
  const page = await newPage(env.browser);
  for (let attempt = 1; attempt <= 4; attempt += 1) {
    await signIn(page, env.server, 'auditor', `wrong-password-${attempt}`);
    assert.match(await page.textContent('.error-summary'), /The login or password is not right/);
  }
  await signIn(page, env.server, 'auditor', 'wrong-password-5');
  assert.match(await page.textContent('.error-summary'), /locked until/, 'the fifth wrong password locks the account');
  await signIn(page, env.server, 'auditor'); // the right password does not open a locked account
  assert.match(await page.textContent('main'), /locked until/);
  await page.context().close();
});
