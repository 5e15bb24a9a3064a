// Every page in each language: 0 WCAG 2.1 AA violations (axe-core), the page in the language
// asked (`<html lang>`, a switch to the two others), no horizontal scroll on a phone, and a
// screenshot at phone and desktop widths for review.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedServerAndBrowser, newPage, screenshot, signIn } from '../support.mjs';
import { violations } from '../axe.mjs';

const LANGUAGES = ['kk', 'ru', 'en'];
const WIDTHS = [
  { name: 'mobile', width: 360, height: 740 },
  { name: 'desktop', width: 1366, height: 768 },
];

const env = sharedServerAndBrowser();

/** Pages by who opens them (`null`: the public). */
function pages() {
  return [
    [null, ['/', '/report', '/status', '/qr', env.server.qrPath, `${env.server.qrPath}/help`, `${env.server.qrPath}/tell`, '/staff/sign-in']],
    ['operator', ['/staff/intake', '/staff/account']],
    ['police', ['/staff/inbox']],
    ['admin', ['/staff/admin/users', '/staff/institutions', '/staff/centers', '/staff/centers/kz-75-family-support-center']],
    ['analyst', ['/staff/compliance', '/staff/figures/schools', '/staff/figures/support']],
    ['family-center', ['/staff/support']],
    ['auditor', ['/staff/audit']],
    ['school', ['/staff/school-report', '/staff/school-reports']],
  ];
}

/** Problems of the page as it is now, each a line. */
async function problems(page, language) {
  const found = (await violations(page)).map((v) => `axe ${v}`);
  const lang = await page.getAttribute('html', 'lang');
  if (lang !== language) found.push(`<html lang="${lang}">`);
  for (const other of LANGUAGES.filter((l) => l !== language)) {
    if ((await page.locator(`a[href*="lang=${other}"]`).count()) === 0) found.push(`no switch to ${other}`);
  }
  return found;
}

test('every page passes axe in each language, switches language, and fits a phone', async () => {
  const report = [];
  for (const [login, paths] of pages()) {
    for (const { name, width, height } of WIDTHS) {
      const page = await newPage(env.browser, { width, height });
      if (login) await signIn(page, env.server, login);
      for (const path of paths) {
        for (const language of LANGUAGES) {
          const separator = path.includes('?') ? '&' : '?';
          const response = await page.goto(`${env.server.url}${path}${separator}lang=${language}`);
          if (response.status() >= 400) report.push(`${path} ${language}: HTTP ${response.status()}`);
          if (name === 'desktop' || language === 'ru') {
            for (const problem of await problems(page, language)) report.push(`${path} ${language} at ${width}px: ${problem}`);
          }
          if (name === 'mobile') {
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
            if (overflow > 0) report.push(`${path} ${language} at ${width}px: scrolls sideways by ${overflow}px`);
          }
          if (language === 'en') await screenshot(page, `${(login ?? 'public')}${path.replace(/[^a-z0-9]+/gi, '-')}-${name}`);
        }
      }
      await page.context().close();
    }
  }
  assert.deepEqual(report, [], report.join('\n'));
});
