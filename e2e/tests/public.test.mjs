// The public journeys: an anonymous web report → its receipt → its status; and a child's report
// through a school's QR code. Both also without JavaScript, as on a cheap phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedServerAndBrowser, newPage, screenshot, follow } from '../support.mjs';
import { violations } from '../axe.mjs';

const env = sharedServerAndBrowser();

for (const javaScript of [true, false]) {
  test(`an anonymous web report gets a receipt, then its status (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
    const page = await newPage(env.browser, { width: 360, height: 740, javaScript });
    await page.goto(`${env.server.url}/report?lang=en`);
    await screenshot(page, `report-form-mobile-js-${javaScript ? 'on' : 'off'}`);
  await page.fill('#narrative', 'Synthetic: my neighbour shouts at his children every night.');
    await page.selectOption('#region', 'KZ-75');
    await page.fill('#victim_age', '9');
    await follow(page, 'button[type=submit]');
    const code = (await page.textContent('#tracking-code')).trim();
    const pin = (await page.textContent('#status-pin')).trim();
    assert.match(code, /^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    assert.match(pin, /^\d{6}$/);
    if (javaScript) assert.deepEqual(await violations(page), [], 'the receipt passes axe');

    await page.goto(`${env.server.url}/status?lang=en`);
    await page.fill('#tracking_code', code);
    await page.fill('#pin', pin);
    await follow(page, 'button[type=submit]');
    const status = await page.textContent('#status-result');
    assert.match(status, /Received/, status);
    if (javaScript) assert.deepEqual(await violations(page), [], 'the status page passes axe');
    await page.context().close();
  });
}

test('a wrong PIN says so plainly, and the error is announced and linked to its field', async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.server.url}/status?lang=en`);
  await page.fill('#tracking_code', env.server.trackingCode);
  await page.fill('#pin', '000000');
  await follow(page, 'button[type=submit]');
  const summary = page.locator('.error-summary[role=alert]');
  assert.match(await summary.textContent(), /We found no report with this code and PIN/);
  assert.deepEqual(await violations(page), [], 'a page with errors passes axe');
  const link = await summary.locator('a').first().getAttribute('href');
  assert.ok(link?.startsWith('#') && (await page.isVisible(link)), `the message links to its field (${link})`);
  await page.context().close();
});

test('the public form can be completed with the keyboard alone', async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.server.url}/report?lang=en`);
  await page.focus('#narrative');
  await page.keyboard.type('Synthetic: typed with the keyboard only.');
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowDown'); // the region list: the first region
  let reached = false;
  for (let i = 0; i < 60 && !reached; i += 1) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.getAttribute('type') === 'submit');
  }
  assert.ok(reached, 'the send button is reached with Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#tracking-code');
  await page.context().close();
});

test("a child's report through the QR code: danger first, help, then the short form", async () => {
  const page = await newPage(env.browser, { width: 360, height: 740 });
  await page.goto(`${env.server.url}${env.server.qrPath}?lang=ru`);
  assert.match(await page.textContent('h1'), /обижает прямо сейчас/);
  await screenshot(page, 'qr-start-mobile');
  await follow(page, '#yes');
  assert.ok(await page.isVisible('a[href="tel:102"]'), 'yes leads at once to emergency help');
  await follow(page, '#write');
  await page.fill('#narrative', 'Synthetic: older boys wait for me after lessons.');
  await page.fill('#victim_age', '12');
  await page.selectOption('#perpetrator_relation', 'classmate');
  await follow(page, 'button[type=submit]');
  assert.ok(await page.isVisible('#tracking-code'));
  assert.ok(await page.isVisible('#call-102'), 'the receipt says to call 102 first');
  await page.context().close();
});

test('the language switch changes the page, and keeps the place', async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.server.url}/report?lang=kk`);
  assert.equal(await page.getAttribute('html', 'lang'), 'kk');
  await follow(page, 'a[href*="lang=ru"]');
  assert.equal(await page.getAttribute('html', 'lang'), 'ru');
  assert.match(page.url(), /\/report/, 'still the report form');
  assert.match(await page.textContent('h1'), /Расскажите, что случилось/);
  await follow(page, 'a[href*="lang=en"]');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.textContent('h1'), /Tell us what happened/);
  await page.context().close();
});

test('an empty report is refused with its errors announced and linked to their fields', async () => {
  const page = await newPage(env.browser);
  await page.goto(`${env.server.url}/report?lang=en`);
  await follow(page, 'button[type=submit]');
  const summary = page.locator('.error-summary[role=alert]');
  assert.match(await summary.textContent(), /Tell us what happened/);
  for (const href of await summary.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))) {
    assert.ok(await page.isVisible(href), `${href} is a field on the page`);
  }
  await page.click('.error-summary a[href="#narrative"]');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'narrative', 'the link takes the focus to the field');
  await page.context().close();
});
