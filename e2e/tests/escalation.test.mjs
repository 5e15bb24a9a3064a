// An overdue assignment escalates: the test moves the server's clock ten days on (a demo-only
// setting) and sees what people would see — the overdue mark in the agency's inbox, the
// compliance figures, and the notices the escalation chain sent (agency head, regional
// supervisor, prosecutor's office).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, newPage, signIn } from '../support.mjs';

let browser;
const servers = [];
after(async () => {
  await browser?.close();
  for (const server of servers) await server.stop();
});

test('an assignment left unanswered escalates when its deadlines pass', async () => {
  const today = await startServer();
  const password = today.password;
  await today.stop({ keep: true });
  const later = await startServer({ QORGAU_DEMO_CLOCK_OFFSET_HOURS: String(10 * 24) }, today.dataDir);
  servers.push(later);
  browser = await startBrowser();

  const police = await newPage(browser);
  await signIn(police, later, 'police-head', password);
  await police.goto(`${later.url}/staff/inbox?lang=en`);
  assert.ok((await police.locator('tr.overdue').count()) > 0, 'the inbox marks the overdue assignments');

  const admin = await newPage(browser);
  await signIn(admin, later, 'admin', password);
  let recipients = [];
  for (let i = 0; i < 20 && !recipients.some((r) => r.startsWith('prosecutor:')); i += 1) {
    const answer = await admin.request.get(`${later.url}/api/v1/outbox?status=delivered`);
    recipients = (await answer.json()).map((m) => m.recipient);
    if (!recipients.some((r) => r.startsWith('prosecutor:'))) await new Promise((r) => setTimeout(r, 500));
  }
  for (const step of ['agency_head:', 'regional_supervisor:', 'prosecutor:']) {
    assert.ok(recipients.some((r) => r.startsWith(step)), `an escalation to ${step} in ${recipients}`);
  }

  const analyst = await newPage(browser);
  await signIn(analyst, later, 'analyst', password);
  await analyst.goto(`${later.url}/staff/compliance?lang=en`);
  assert.ok((await analyst.locator('.badge.risk-immediate').count()) > 0, 'the compliance page counts overdue work');
});
