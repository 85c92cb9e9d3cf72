import { expect, type Page } from '@playwright/test';

export const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Next's route announcer also has role=alert; pick ours by its text. */
export function alertWithText(page: Page, text: string | RegExp) {
  return page.getByRole('alert').filter({ hasText: text });
}

export async function expectSignedIn(page: Page) {
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
}
