import { expect, test, type Page } from '@playwright/test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// The notification center: a run that fails while the page is open shows up under the bell without a reload,
// and the alert links straight to the automation's failed runs.

async function createApiToken(page: Page): Promise<string> {
  await page.goto('/settings/tokens');
  await page.getByLabel('Token name').fill(`alerts e2e ${Date.now()}`);
  await page.getByRole('button', { name: 'Create token' }).click();
  const code = page.getByRole('status').filter({ hasText: 'Copy your new token now' }).locator('code');
  await expect(code).toHaveText(/^hl_/);
  return (await code.textContent())!.trim();
}

/** A destination that always fails. */
async function startBrokenDestination() {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":"broken"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

test('a failing run appears under the bell live and links to the failing runs', async ({ page, request }) => {
  const dest = await startBrokenDestination();
  try {
    const token = await createApiToken(page);
    const auth = { authorization: `Bearer ${token}` };
    const hookRes = await request.post('/api/v1/hooks', {
      headers: auth,
      data: { name: `Alerts e2e ${Date.now()}` },
    });
    expect(hookRes.status()).toBe(201);
    const hook = (await hookRes.json()) as { id: string; url: string };
    const automationName = `Alerting ${Date.now()}`;
    const created = await request.post('/api/v1/automations', {
      headers: auth,
      data: {
        name: automationName,
        trigger: { type: 'webhook', hookId: hook.id },
        actions: [{ name: 'deliver', method: 'POST', url: `${dest.url}/in`, retry: { maxAttempts: 1 } }],
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    const automation = (await created.json()) as { id: string };

    await page.goto('/automations');
    const bell = page.getByRole('button', { name: /^Notifications/ });
    await expect(bell).toBeVisible();
    // A marker on window survives only if the page is never reloaded: the alert must arrive by polling.
    await page.evaluate(() => ((window as unknown as { liveMarker: number }).liveMarker = 1));

    const sent = await request.post(new URL(hook.url).pathname, { data: { order: 'will fail' } });
    expect(sent.status()).toBe(202);

    await expect(bell).toHaveAccessibleName(/^Notifications, \d+ unread$/, { timeout: 20_000 });
    await bell.click();
    const panel = page.getByRole('region', { name: 'Notifications' });
    const link = panel.getByRole('link', { name: `Runs of “${automationName}” are failing` });
    await expect(link).toBeVisible({ timeout: 15_000 });
    expect(await page.evaluate(() => (window as unknown as { liveMarker?: number }).liveMarker)).toBe(1);

    await link.click();
    await expect(page).toHaveURL(
      (url) =>
        url.pathname === '/runs' &&
        url.searchParams.get('automationId') === automation.id &&
        url.searchParams.get('status') === 'failed',
    );
    const rows = page.getByRole('table', { name: 'Runs' }).getByRole('row');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(1).getByText('Failed')).toBeVisible();

    // The notification center lists it too; following the bell's link marked it read.
    const title = `Runs of “${automationName}” are failing`;
    await page.goto(`/alerts?kind=run_failed`);
    const alerts = page.getByRole('list', { name: 'Alerts' });
    await expect(alerts.getByRole('heading', { name: title })).toBeVisible();
    await page.getByRole('button', { name: `Mark “${title}” unread` }).click();
    await expect(page.getByRole('button', { name: `Mark “${title}” read` })).toBeVisible();
    await page.getByRole('switch', { name: 'Unread only' }).click();
    await expect(page).toHaveURL(/unread=1/);
    await expect(alerts.getByRole('heading', { name: title })).toBeVisible();
    await page.getByRole('button', { name: `Mark “${title}” read` }).click();
    await expect(alerts.getByRole('heading', { name: title })).toHaveCount(0);
  } finally {
    dest.close();
  }
});

test('destinations list the hosts actions call, with pause and resume', async ({ page }) => {
  await page.goto('/destinations');
  await expect(page.getByRole('heading', { name: 'Destinations', level: 1 })).toBeVisible();
  const table = page.getByRole('table', { name: 'Destinations' });
  const pause = table.getByRole('button', { name: /^Pause 127\.0\.0\.1:\d+$/ }).first();
  await expect(pause).toBeVisible();
  const host = (await pause.getAttribute('aria-label'))!.replace(/^Pause /, '');
  await pause.click();
  await expect(table.getByRole('button', { name: `Resume ${host}` })).toBeVisible();
  await table.getByRole('button', { name: `Resume ${host}` }).click();
  await expect(table.getByRole('button', { name: `Pause ${host}` })).toBeVisible();
});
