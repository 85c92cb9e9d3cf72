import { expect, test, type Page } from '@playwright/test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// Run history end to end: an event becomes a run that appears live in the list, its timeline shows what was sent
// and what came back, and a run that failed against a broken destination succeeds after "Retry now".

async function createApiToken(page: Page): Promise<string> {
  await page.goto('/settings/tokens');
  await page.getByLabel('Token name').fill(`runs e2e ${Date.now()}`);
  await page.getByRole('button', { name: 'Create token' }).click();
  const code = page.getByRole('status').filter({ hasText: 'Copy your new token now' }).locator('code');
  await expect(code).toHaveText(/^hl_/);
  return (await code.textContent())!.trim();
}

async function createHook(page: Page, name: string): Promise<{ id: string; path: string }> {
  await page.goto('/hooks');
  await page.getByRole('button', { name: 'New hook' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New hook' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('button', { name: 'Create hook' }).click();
  await expect(page).toHaveURL(/\/hooks\/hook_[a-z0-9]+$/);
  const id = new URL(page.url()).pathname.split('/').at(-1)!;
  const url = (await page.getByLabel('Hook URL', { exact: true }).textContent())!.trim();
  return { id, path: new URL(url).pathname };
}

/** A destination the spec controls: answers `status` and counts requests. */
async function startDestination() {
  const dest = { status: 200, received: 0, url: '', close: () => {} };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      dest.received++;
      res.writeHead(dest.status, { 'content-type': 'application/json' });
      res.end(dest.status === 200 ? '{"stored":true}' : '{"error":"destination is broken"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  dest.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dest.close = () => {
    server.closeAllConnections();
    server.close();
  };
  return dest;
}

function runRows(page: Page) {
  return page.getByRole('table', { name: 'Runs' }).getByRole('row');
}

test('a run appears live, shows its timeline, and a failed run succeeds after Retry now', async ({
  page,
  request,
}) => {
  const dest = await startDestination();
  try {
    const token = await createApiToken(page);
    const hook = await createHook(page, `Runs e2e ${Date.now()}`);
    const automationName = `Forward to destination ${Date.now()}`;
    const created = await request.post('/api/v1/automations', {
      headers: { authorization: `Bearer ${token}` },
      data: {
        name: automationName,
        trigger: { type: 'webhook', hookId: hook.id },
        actions: [{ name: 'deliver', method: 'POST', url: `${dest.url}/orders`, retry: { maxAttempts: 1 } }],
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    const automation = (await created.json()) as { id: string };

    await page.goto(`/runs?automationId=${automation.id}`);
    await expect(page.getByText('No runs match these filters')).toBeVisible();
    // A marker on window survives only if the page is never reloaded: rows must arrive by live polling.
    await page.evaluate(() => ((window as unknown as { liveMarker: number }).liveMarker = 1));

    const sent = await request.post(hook.path, { data: { order: { id: 'ord_e2e_1', note: 'first order' } } });
    expect(sent.status()).toBe(202);
    await expect(runRows(page)).toHaveCount(2); // header + the new run
    await expect(runRows(page).nth(1)).toContainText(automationName);
    await expect(runRows(page).nth(1).getByText('Succeeded')).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { liveMarker?: number }).liveMarker)).toBe(1);

    // The timeline: event, filter, the action with its request and the attempt's response.
    await runRows(page).nth(1).getByRole('link').click();
    await expect(page).toHaveURL(/\/runs\/run_[a-z0-9]+$/);
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await expect(timeline.getByRole('heading', { name: 'Event received' })).toBeVisible();
    await expect(timeline.getByRole('heading', { name: 'Filter passed' })).toBeVisible();
    await expect(timeline.getByRole('heading', { name: 'Action 1: deliver' })).toBeVisible();
    await expect(timeline.getByText(`POST ${dest.url}/orders`)).toBeVisible();
    const firstAttempt = timeline.getByRole('listitem', { name: 'Attempt 1' });
    await expect(firstAttempt.getByText('HTTP 200')).toBeVisible();
    await expect(firstAttempt.getByText('{"stored":true}')).toBeVisible();
    await expect(page.getByTestId('run-status')).toHaveText('Succeeded');
    await expect(page.getByRole('button', { name: 'Retry now' })).toHaveCount(0);

    // The destination breaks: the next run fails (400 is not retried).
    dest.status = 400;
    await page.goto(`/runs?automationId=${automation.id}`);
    await expect(runRows(page)).toHaveCount(2);
    const second = await request.post(hook.path, {
      data: { order: { id: 'ord_e2e_2', note: 'second order' } },
    });
    expect(second.status()).toBe(202);
    await expect(runRows(page)).toHaveCount(3);
    await expect(runRows(page).nth(1).getByText('Failed')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Retry failed (1)' })).toBeHidden(); // count comes with a reload
    await page.reload();
    await expect(page.getByRole('button', { name: 'Retry failed (1)' })).toBeVisible();

    await runRows(page).nth(1).getByRole('link').click();
    await expect(page.getByTestId('run-status')).toHaveText('Failed');
    await expect(page.getByRole('alert').filter({ hasText: 'Destination answered 400' })).toBeVisible();
    await expect(page.getByRole('listitem', { name: 'Attempt 1' }).getByText('HTTP 400')).toBeVisible();

    // Fix the destination, retry: the run succeeds with a second attempt, the first one is kept.
    dest.status = 200;
    const before = dest.received;
    await page.getByRole('button', { name: 'Retry now' }).click();
    await expect(page.getByTestId('run-status')).toHaveText('Succeeded');
    await expect(page.getByRole('listitem', { name: 'Attempt 2' }).getByText('HTTP 200')).toBeVisible();
    await expect(page.getByRole('listitem', { name: 'Attempt 1' }).getByText('HTTP 400')).toBeVisible();
    expect(dest.received).toBe(before + 1);
    await expect(page.getByRole('button', { name: 'Retry now' })).toHaveCount(0);
  } finally {
    dest.close();
  }
});

test('the dashboard shows activity, and an admin sets retention and prunes', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByText('Success rate')).toBeVisible();
  await expect(page.getByRole('img', { name: /^Runs: \d+ over the last 24 hours$/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Top failing automations' })).toBeVisible();
  await page.getByRole('link', { name: 'Last 7 days' }).click();
  await expect(page.getByRole('img', { name: /^Runs: \d+ over the last 168 hours$/ })).toBeVisible();

  await page.goto('/settings');
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Retention' }).click();
  await expect(page).toHaveURL(/\/settings\/retention$/);
  await expect(page.getByTestId('database-size')).toHaveText(/\d+(\.\d+)? (KiB|MiB|GiB)/);
  const days = page.getByLabel('Keep history for (days)');
  await expect(days).toHaveValue('30');
  await days.fill('45');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Retention saved')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Keep history for (days)')).toHaveValue('45');
  await page.getByRole('button', { name: 'Prune now' }).click();
  await expect(page.getByText(/^Pruned 0 events with their runs$/)).toBeVisible();
});
