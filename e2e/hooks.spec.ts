import { expect, test, type Page } from '@playwright/test';

async function createHook(page: Page, name: string) {
  await page.goto('/hooks');
  await page.getByRole('button', { name: 'New hook' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New hook' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('button', { name: 'Create hook' }).click();
  await expect(page).toHaveURL(/\/hooks\/hook_[a-z0-9]+$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
}

function requestRows(page: Page) {
  return page.getByRole('table', { name: 'Recent requests' }).getByRole('row');
}

test('create a hook, copy its URL, and watch a test event and a real request arrive live', async ({
  page,
  request,
}) => {
  const name = `Orders ${Date.now()}`;
  await createHook(page, name);
  await expect(page.getByText('Waiting for the first request')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Activity' })).toContainText('Last event never');

  await page.getByRole('button', { name: 'Copy hook URL' }).click();
  const url = await page.evaluate(() => navigator.clipboard.readText());
  expect(url).toMatch(/^http:\/\/localhost:\d+\/h\/[A-Za-z0-9_-]{22,}$/);
  await expect(page.getByLabel('Hook URL', { exact: true })).toHaveText(url);
  await expect(page.getByText(`curl -X POST '${url}'`)).toBeVisible();

  // A marker on window survives only if the page is never reloaded.
  await page.evaluate(() => ((window as unknown as { liveMarker: number }).liveMarker = 1));

  await page.getByRole('button', { name: 'Send test event' }).click();
  await expect(page.getByText('Test event sent: the hook answered 202')).toBeVisible();
  await expect(requestRows(page)).toHaveCount(2); // header + the test event
  const first = requestRows(page).nth(1);
  await expect(first.getByText('Accepted')).toBeVisible();
  await expect(first.getByText('application/json')).toBeVisible();

  const res = await request.post(url, {
    data: { source: 'playwright', order: { id: 4242 } },
    headers: { 'x-from': 'e2e' },
  });
  expect(res.status()).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await expect(requestRows(page)).toHaveCount(3);
  // Newest first: the request just posted is the top row.
  await expect(
    requestRows(page)
      .nth(1)
      .getByRole('link', { name: `Open request ${id}` }),
  ).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { liveMarker?: number }).liveMarker)).toBe(1);

  // The activity line is rendered with the page: after a reload it shows the last event.
  await page.reload();
  await expect(page.getByRole('region', { name: 'Activity' })).toContainText('Last event just now');

  // The test event's detail: body as a tree, then raw.
  await requestRows(page).nth(2).getByRole('link').click();
  await expect(page.getByRole('heading', { name: 'POST request' })).toBeVisible();
  const tree = page.getByRole('region', { name: 'Request body' });
  await expect(tree.getByText('Test event from Hookline')).toBeVisible();
  await expect(tree.getByText('hookline.test')).toBeVisible();
  await page.getByRole('tab', { name: 'Raw' }).click();
  await expect(page.getByText(/"type":"hookline\.test"/)).toBeVisible();
  await expect(page.getByRole('table', { name: 'Headers' }).getByText('content-type')).toBeVisible();

  // The posted request's detail shows its headers and body.
  await page.goBack();
  await page.getByRole('link', { name: `Open request ${id}` }).click();
  await expect(
    page.getByRole('table', { name: 'Headers' }).getByRole('cell', { name: 'x-from' }),
  ).toBeVisible();
  await expect(page.getByRole('region', { name: 'Request body' }).getByText('playwright')).toBeVisible();
});

test('a signed hook accepts its own test event and shows why an unsigned request is rejected', async ({
  page,
  request,
}) => {
  await createHook(page, `GitHub ${Date.now()}`);
  const url = (await page.getByLabel('Hook URL', { exact: true }).textContent())!;

  const settings = page.getByRole('form', { name: 'Hook settings' });
  await settings.getByLabel('Scheme').selectOption('github');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(settings.getByText('A secret is required for the github scheme')).toBeVisible();
  await settings.getByLabel('Secret', { exact: true }).fill('e2e-github-secret');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Hook saved')).toBeVisible();
  await expect(settings.getByText('1 secret set.')).toBeVisible();
  // Write-only: the secret is not rendered back.
  await expect(settings.getByLabel('New secret')).toHaveValue('');
  expect(await page.content()).not.toContain('e2e-github-secret');

  await page.getByRole('button', { name: 'Send test event' }).click();
  await expect(page.getByText('Test event sent: the hook answered 202')).toBeVisible();
  await expect(requestRows(page).nth(1).getByText('Signature valid')).toBeVisible();

  const res = await request.post(url, { data: { unsigned: true } });
  expect(res.status()).toBe(401);
  await expect(requestRows(page)).toHaveCount(3);
  const rejected = requestRows(page).nth(1);
  await expect(rejected.getByText('Rejected')).toBeVisible();
  await expect(rejected.getByText('Signature missing')).toBeVisible();
  await expect(rejected.getByText(/401 ·/)).toBeVisible();
});

test('the settings form reports each bad IP line, and the hook can be disabled and deleted', async ({
  page,
}) => {
  const name = `Limits ${Date.now()}`;
  await createHook(page, name);
  const settings = page.getByRole('form', { name: 'Hook settings' });
  await settings.getByLabel('Allowed source IPs').fill('10.0.0.0/8\nnot-an-ip\n2001:db8::/32');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(settings.getByText(/Line 2 \(not-an-ip\)/)).toBeVisible();

  await page.getByRole('switch', { name: 'Enabled' }).click();
  await expect(page.getByText('Hook disabled')).toBeVisible();
  await expect(page.getByText(/This hook is disabled/)).toBeVisible();

  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete hook' }).click();
  await expect(page).toHaveURL(/\/hooks$/);
  await expect(page.getByRole('link', { name })).toHaveCount(0);
});
