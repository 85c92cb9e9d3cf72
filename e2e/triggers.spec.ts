import { expect, test, type Page } from '@playwright/test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A poll automation built in the editor against a local API: "Poll now" previews the items and keys without
// starting runs; once saved, the scheduler takes the baseline and the preview marks those items as seen.

let api: http.Server;
let apiUrl = '';
let orders: { order_id: string; total: number }[] = [];

test.beforeAll(async () => {
  api = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: { orders } }));
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/orders`;
});
test.afterAll(() => {
  api?.close();
});

async function setEditor(page: Page, label: string, text: string) {
  const editor = page.getByRole('textbox', { name: label, exact: true });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(text);
}

test('create a poll automation; Poll now previews items and keys and starts no runs', async ({ page }) => {
  orders = [
    { order_id: 'ord_1001', total: 25 },
    { order_id: 'ord_1002', total: 40 },
  ];
  const name = `New orders ${Date.now()}`;
  await page.goto('/automations/new?template=blank');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Trigger type').selectOption('poll');
  await setEditor(page, 'Poll URL', apiUrl);
  await setEditor(page, 'Poll items', 'data.orders');
  await setEditor(page, 'Poll key', 'order_id');
  await page.getByRole('button', { name: 'Remove action 1' }).click();

  // The draft, before saving: every item is found, none seen.
  await page.getByRole('button', { name: 'Poll now' }).click();
  const preview = page.getByRole('region', { name: 'Poll preview' });
  await expect(preview).toContainText('HTTP 200 · 2 items');
  await expect(preview.getByRole('row')).toHaveCount(3);
  await expect(preview.getByRole('row').nth(1)).toContainText('ord_1001');
  await expect(preview.getByRole('row').nth(1)).toContainText('{"order_id":"ord_1001","total":25}');
  await expect(preview.getByRole('row').nth(2)).toContainText('ord_1002');

  // A broken items expression is reported, not thrown.
  await setEditor(page, 'Poll items', 'data.orders[0].total');
  await page.getByRole('button', { name: 'Poll now' }).click();
  await expect(preview.getByRole('alert')).toHaveText('items must give a list, got a number');
  await setEditor(page, 'Poll items', 'data.orders');

  await page.getByRole('button', { name: 'Create automation' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/automations\/aut_/);

  // The scheduler polls at once and records the existing items (the baseline); the status panel shows it.
  const status = page.getByRole('region', { name: 'Trigger status' });
  await expect(status).toContainText('HTTP 200 · 2 items, 0 new', { timeout: 20_000 });
  await expect(status).toContainText('Active');

  orders = [...orders, { order_id: 'ord_1003', total: 99 }];
  await page.getByRole('button', { name: 'Poll now' }).click();
  await expect(preview).toContainText('3 items · 1 new');
  const rows = preview.getByRole('row');
  await expect(rows.filter({ hasText: 'ord_1001' })).toContainText('Seen');
  await expect(rows.filter({ hasText: 'ord_1003' })).toContainText('New');

  // Poll now changed no state: after a refresh the scheduler's last poll is still the baseline, nothing fired.
  await status.getByRole('button', { name: 'Refresh' }).click();
  await expect(status).toContainText('HTTP 200 · 2 items, 0 new');
  await expect(status).toContainText(/Last fired\s*never/);
});
