import { expect, test } from '@playwright/test';
import { ADMIN, alertWithText, expectSignedIn, signIn } from './support';

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('a visit to /hooks redirects to sign-in and returns there after signing in', async ({ page }) => {
    await page.goto('/hooks');
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fhooks/);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/hooks$/);
    await expect(page.getByRole('heading', { name: 'Hooks', level: 1 })).toBeVisible();
  });

  test('a wrong password shows an error and does not sign in', async ({ page }) => {
    await signIn(page, ADMIN.email, 'wrong-password');
    await expect(alertWithText(page, 'Incorrect email or password')).toBeVisible();
    await expect(page).toHaveURL(/\/signin/);
    await page.goto('/');
    await expect(page).toHaveURL(/\/signin/);
  });
});

test('sign out ends the session', async ({ page }) => {
  await page.goto('/');
  await expectSignedIn(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto('/runs');
  await expect(page).toHaveURL(/\/signin/);
});

test('an admin creates a member, who signs in and cannot open the users page', async ({ page, browser }) => {
  const member = { email: `member-${Date.now()}@example.com`, password: 'member-password-1' };
  await page.goto('/settings/users');
  await page.getByLabel('Email').fill(member.email);
  await page.getByLabel('Initial password').fill(member.password);
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('cell', { name: member.email })).toBeVisible();

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const memberPage = await context.newPage();
  await signIn(memberPage, member.email, member.password);
  await expectSignedIn(memberPage);
  await expect(memberPage.getByRole('link', { name: 'Users' })).toHaveCount(0);
  await memberPage.goto('/settings/users');
  await expect(memberPage.getByRole('heading', { name: 'Administrators only' })).toBeVisible();
  await expect(memberPage.getByRole('button', { name: 'Add user' })).toHaveCount(0);
  await context.close();
});
