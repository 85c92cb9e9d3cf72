import { expect, test } from '@playwright/test';
import fs from 'node:fs';

const file = {
  hookline: 1,
  hooks: [{ key: 'hook-1', name: 'Smoke hook', verification: { scheme: 'github', secretRequired: true } }],
  automations: [
    {
      name: 'Smoke nightly',
      trigger: { type: 'schedule', cron: '0 3 * * *' },
      actions: [{ method: 'GET', url: 'https://example.com/x' }],
    },
    {
      name: 'Smoke forward',
      trigger: { type: 'webhook', hookKey: 'hook-1' },
      actions: [{ method: 'POST', url: 'https://example.com/y', body: null }],
    },
  ],
};

test('import, export and the API reference', async ({ page }) => {
  const buffer = Buffer.from(JSON.stringify(file));
  await page.goto('/automations');
  await page.getByRole('link', { name: 'Import / export' }).click();
  await page
    .getByLabel('Export file')
    .setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer });
  const autos = page.getByRole('table', { name: 'Automations in the file' });
  await expect(autos.getByText('Smoke nightly')).toBeVisible();
  await expect(page.getByText('Set its verification secret after importing')).toBeVisible();
  await page.getByRole('button', { name: 'Import 2 automations' }).click();
  await expect(page).toHaveURL(/\/automations$/);
  await expect(page.getByRole('link', { name: 'Smoke forward' })).toBeVisible();

  await page.goto('/automations/transfer');
  await page
    .getByLabel('Export file')
    .setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer });
  await page.getByRole('combobox', { name: 'When the name Smoke nightly is taken' }).selectOption('rename');
  await expect(page.getByRole('button', { name: 'Import 1 automation' })).toBeEnabled();
  await page.getByRole('button', { name: 'Import 1 automation' }).click();
  await expect(page).toHaveURL(/\/automations$/);
  await expect(page.getByRole('link', { name: 'Smoke nightly (2)' })).toBeVisible();

  await page.goto('/automations/transfer');
  await page.getByLabel('Select all automations').check();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /Export \d+ selected/ }).click();
  const text = fs.readFileSync((await (await download).path())!, 'utf8');
  const exported = JSON.parse(text);
  expect(exported.automations.map((a: { name: string }) => a.name)).toEqual(
    expect.arrayContaining(['Smoke nightly', 'Smoke forward', 'Smoke nightly (2)']),
  );

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API' }).click();
  await expect(page.getByRole('heading', { name: 'API reference' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '/api/v1/hooks' }).first()).toBeVisible();
});
