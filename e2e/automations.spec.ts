import { expect, test, type Page } from '@playwright/test';

// Builds an automation from a template in the editor: live preview on real events, inline errors, backtest.

async function createApiToken(page: Page): Promise<string> {
  await page.goto('/settings/tokens');
  await page.getByLabel('Token name').fill(`automations e2e ${Date.now()}`);
  await page.getByRole('button', { name: 'Create token' }).click();
  const code = page.getByRole('status').filter({ hasText: 'Copy your new token now' }).locator('code');
  await expect(code).toHaveText(/^hl_/);
  return (await code.textContent())!.trim();
}

/** Replaces an editor's text (CodeMirror: select all, then type the new text as one input). */
async function setEditor(page: Page, label: string, text: string) {
  const editor = page.getByRole('textbox', { name: label, exact: true });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  if (text === '') await page.keyboard.press('Delete');
  else await page.keyboard.insertText(text);
}

const payment = (type: string, amount: number, orderId: string) => ({
  id: `evt_${orderId}`,
  object: 'event',
  type,
  data: {
    object: {
      id: `pi_${orderId}`,
      amount,
      amount_received: amount,
      currency: 'eur',
      receipt_email: 'grace@example.com',
      description: `Order ${orderId}`,
      metadata: { order_id: orderId },
    },
  },
});

test('build an automation from a template: live preview, inline errors, backtest, save', async ({
  page,
  request,
}) => {
  const token = await createApiToken(page);
  const hookName = `Stripe e2e ${Date.now()}`;
  const created = await request.post('/api/v1/hooks', {
    headers: { authorization: `Bearer ${token}` },
    data: { name: hookName },
  });
  expect(created.status()).toBe(201);
  const hook = (await created.json()) as { id: string; url: string };
  const ingestPath = new URL(hook.url).pathname;
  for (const body of [
    payment('payment_intent.succeeded', 2599, 'ord_e2e_1'),
    payment('payment_intent.created', 100, 'ord_e2e_2'),
    payment('payment_intent.succeeded', 5000, 'ord_e2e_3'),
  ]) {
    const res = await request.post(ingestPath, { data: body });
    expect(res.status(), await res.text()).toBe(202);
  }

  await page.goto('/automations');
  await page.getByRole('link', { name: 'New automation' }).first().click();
  await page.getByRole('link', { name: /Use template: Stripe payment succeeded/ }).click();
  await expect(page.getByRole('heading', { name: /Stripe payment succeeded/, level: 1 })).toBeVisible();
  await page.getByLabel('Hook', { exact: true }).selectOption({ label: hookName });

  // The latest event is the default sample; the template's mapping renders it.
  const preview = page.getByRole('region', { name: 'Live preview' });
  await expect(preview).toContainText('Filter passes');
  await expect(preview).toContainText('Payment received: 50.00 EUR from grace@example.com (Order ord_e2e_3)');
  await expect(preview).toContainText('POST https://hooks.slack.com/services/');

  // Editing the body changes the preview as you type.
  await setEditor(page, 'Action 1 body', '{"text": "Order " & data.object.metadata.order_id & " paid"}');
  await expect(preview).toContainText('"text": "Order ord_e2e_3 paid"');

  // A broken filter gets an inline marker and message; fixing it clears them.
  await setEditor(page, 'Filter', 'type = ');
  await expect(page.getByText(/^Filter: .+\(position \d+\)$/)).toBeVisible();
  await expect(page.locator('.cm-lintRange-error').first()).toBeAttached();
  await expect(preview).toContainText('Filter error');
  await setEditor(page, 'Filter', 'type = "payment_intent.succeeded"');
  await expect(page.getByText(/^Filter: .+\(position \d+\)$/)).toHaveCount(0);
  await expect(preview).toContainText('Filter passes');

  // Backtest on the hook's recent events: two of the three match, and nothing is sent.
  const backtest = page.getByRole('region', { name: 'Test on recent events' });
  await backtest.getByRole('button', { name: 'Test on recent events' }).click();
  await expect(backtest.getByText('2 of 3 events would match.')).toBeVisible();
  await expect(backtest.getByRole('row').filter({ hasText: 'No match' })).toHaveCount(1);
  await expect(backtest).toContainText('Order ord_e2e_1 paid');

  await page.getByLabel('Name', { exact: true }).fill('Payments to Slack (e2e)');
  await page.getByRole('button', { name: 'Create automation' }).click();
  await expect(page).toHaveURL(/\/automations\/aut_/);
  await expect(page.getByText('Version 1')).toBeVisible();

  await page.goto('/automations');
  const row = page.getByRole('row').filter({ hasText: 'Payments to Slack (e2e)' });
  await expect(row).toContainText(`Webhook · ${hookName}`);
  await expect(row.getByRole('switch')).toHaveAttribute('aria-checked', 'true');
});

test('secrets: create, listed by name only, delete', async ({ page }) => {
  const value = `sk_live_e2e_${Date.now()}`;
  await page.goto('/settings/secrets');
  await page.getByLabel('Secret name').fill('E2E_TOKEN');
  await page.getByLabel('Secret value').fill(value);
  await page.getByRole('button', { name: 'Create secret' }).click();
  const row = page.getByRole('row').filter({ hasText: 'E2E_TOKEN' });
  await expect(row).toBeVisible();
  await expect(page.getByText(value)).toHaveCount(0);
  await row.getByRole('button', { name: 'Delete E2E_TOKEN' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'E2E_TOKEN' })).toHaveCount(0);
});
