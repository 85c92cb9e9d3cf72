import { expect, test } from '@playwright/test';
import { ADMIN } from './support';

test('first run: setup creates the admin and lands on the dashboard', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/setup$/);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.getByLabel('Confirm password').fill('not the same');
  await page.getByRole('button', { name: 'Create admin and sign in' }).click();
  await expect(page.getByText('Passwords do not match').first()).toBeVisible();

  await page.getByLabel('Confirm password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Create admin and sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await expect(page).toHaveURL(/\/$/);

  // Setup is closed once an admin exists.
  await page.goto('/setup');
  await expect(page).toHaveURL(/\/signin|\/$/);
  await page.context().storageState({ path: '.e2e/admin.json' });
});
