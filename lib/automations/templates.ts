import type { ActionInput } from './definition';

// Starter automations for the editor's gallery. Each has a working filter and mapping and a sample payload, so
// the live preview works before the first real event arrives. The samples are copied from the shared provider
// fixtures (the app cannot read them at runtime).

export interface TemplateSample {
  /** What `$` is: parsed JSON, or form fields as an object. */
  body: unknown;
  /** The raw body as the provider sends it (forwarded by a body-less action). */
  raw: string;
  contentType: string;
  /** Lower-case names, as `$event.headers` has them. */
  headers: Record<string, string>;
}

export interface AutomationTemplate {
  id: string;
  name: string;
  description: string;
  /** Provider of the events, shown on the card. */
  source: string;
  /** Destination, shown on the card. */
  destination: string;
  filter: string | null;
  actions: ActionInput[];
  sample: TemplateSample;
}

const stripePaymentSucceeded = {
  id: 'evt_1QfixtureA1b2C3d4',
  object: 'event',
  api_version: '2024-06-20',
  created: 1763800000,
  type: 'payment_intent.succeeded',
  livemode: false,
  pending_webhooks: 1,
  request: { id: 'req_fixture01', idempotency_key: 'b7f0c1de-fixture' },
  data: {
    object: {
      id: 'pi_3QfixtureAbCdEf',
      object: 'payment_intent',
      amount: 2599,
      amount_received: 2599,
      currency: 'usd',
      customer: 'cus_Qfixture42',
      description: 'Pro plan, monthly',
      receipt_email: 'ada@example.com',
      metadata: { order_id: 'ord_1042', plan: 'pro' },
      status: 'succeeded',
    },
  },
};

const githubPush = {
  ref: 'refs/heads/main',
  before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
  after: '76ae82a3a2a5c5f2d6f2c1e0b9e6d1f0c3b2a190',
  repository: {
    id: 1296269,
    name: 'hello-world',
    full_name: 'octo-org/hello-world',
    html_url: 'https://github.com/octo-org/hello-world',
    default_branch: 'main',
  },
  pusher: { name: 'mona', email: 'mona@example.com' },
  sender: { login: 'mona', id: 583231 },
  commits: [
    {
      id: '76ae82a3a2a5c5f2d6f2c1e0b9e6d1f0c3b2a190',
      message: 'Fix checkout rounding',
      timestamp: '2026-11-20T10:15:00Z',
      url: 'https://github.com/octo-org/hello-world/commit/76ae82a',
      author: { name: 'Mona', email: 'mona@example.com' },
      added: [],
      removed: [],
      modified: ['src/cart.ts'],
    },
  ],
  head_commit: {
    id: '76ae82a3a2a5c5f2d6f2c1e0b9e6d1f0c3b2a190',
    message: 'Fix checkout rounding',
    timestamp: '2026-11-20T10:15:00Z',
  },
};

// Shopify's ids exceed 2^53; as JSON.parse reads them, they lose precision the same way here.
const shopifyOrderCreated = {
  id: 820982911946154500,
  name: '#1042',
  email: 'jon@example.com',
  created_at: '2026-11-20T10:15:00-05:00',
  currency: 'EUR',
  total_price: '59.90',
  financial_status: 'paid',
  customer: { id: 115310627314723950, first_name: 'Jon', last_name: 'Snow', email: 'jon@example.com' },
  line_items: [
    { id: 866550311766439000, title: 'Wool scarf', quantity: 1, price: '39.90', sku: 'SCARF-GRY' },
    { id: 141249953214522980, title: 'Gloves', quantity: 1, price: '20.00', sku: 'GLV-BLK' },
  ],
  shipping_address: { city: 'Winterfell', country_code: 'GB', zip: 'WF1 1AA' },
};

const formRaw = 'name=Ada+Lovelace&email=ada%40example.com&message=Hello+from+the+contact+form&plan=pro';
const formFields = {
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  message: 'Hello from the contact form',
  plan: 'pro',
};

function jsonSample(body: unknown, headers: Record<string, string> = {}): TemplateSample {
  return {
    body,
    raw: JSON.stringify(body, null, 2),
    contentType: 'application/json',
    headers: { 'content-type': 'application/json', ...headers },
  };
}

export const AUTOMATION_TEMPLATES: AutomationTemplate[] = [
  {
    id: 'stripe-payment-to-slack',
    name: 'Stripe payment succeeded → Slack message',
    description: 'Post a message to a Slack channel when a Stripe payment succeeds.',
    source: 'Stripe',
    destination: 'Slack',
    filter: 'type = "payment_intent.succeeded"',
    actions: [
      {
        name: 'Post to Slack',
        method: 'POST',
        url: 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
        headers: {},
        body: [
          '{',
          '  "text": "Payment received: " & $formatNumber(data.object.amount_received / 100, "#,##0.00") & " " &',
          '    $uppercase(data.object.currency) & " from " & data.object.receipt_email &',
          '    " (" & data.object.description & ")"',
          '}',
        ].join('\n'),
        when: null,
      },
    ],
    sample: jsonSample(stripePaymentSucceeded, { 'stripe-signature': 't=1763800000,v1=fixture' }),
  },
  {
    id: 'github-push-to-discord',
    name: 'GitHub push → Discord message',
    description: 'Announce pushed commits in a Discord channel through a channel webhook.',
    source: 'GitHub',
    destination: 'Discord',
    filter: '$count(commits) > 0',
    actions: [
      {
        name: 'Post to Discord',
        method: 'POST',
        url: 'https://discord.com/api/webhooks/000000000000000000/XXXXXXXXXXXXXXXX',
        headers: {},
        body: [
          '{',
          '  "content": pusher.name & " pushed " & $count(commits) & " commit(s) to " & repository.full_name &',
          '    " (" & $substringAfter(ref, "refs/heads/") & "):\\n" &',
          '    $join(commits.("- " & $substringBefore(message & "\\n", "\\n") & " " & url), "\\n")',
          '}',
        ].join('\n'),
        when: null,
      },
    ],
    sample: jsonSample(githubPush, { 'x-github-event': 'push' }),
  },
  {
    id: 'shopify-order-to-api',
    name: 'Shopify order created → JSON API',
    description: 'Send paid orders to your own API in the shape it expects.',
    source: 'Shopify',
    destination: 'JSON API',
    filter: 'financial_status = "paid"',
    actions: [
      {
        name: 'Create order',
        method: 'POST',
        url: 'https://api.example.com/orders',
        headers: { 'Idempotency-Key': 'shopify-{{ $string(id) }}' },
        body: [
          '{',
          '  "orderNumber": name,',
          '  "email": email,',
          '  "total": $number(total_price),',
          '  "currency": currency,',
          '  "customer": customer.first_name & " " & customer.last_name,',
          '  "items": [line_items.{ "sku": sku, "title": title, "quantity": quantity }]',
          '}',
        ].join('\n'),
        when: null,
      },
    ],
    sample: jsonSample(shopifyOrderCreated, { 'x-shopify-topic': 'orders/create' }),
  },
  {
    id: 'form-to-email',
    name: 'Form submission → email API',
    description: 'Send a confirmation email through a transactional mail API when a form is submitted.',
    source: 'Web form',
    destination: 'Email API',
    filter: '$exists(email) and email != ""',
    actions: [
      {
        name: 'Send confirmation email',
        method: 'POST',
        url: 'https://api.mail.example.com/v1/send',
        headers: { Authorization: 'Bearer {{ $secrets.MAIL_API_KEY }}' },
        body: [
          '{',
          '  "from": "hello@example.com",',
          '  "to": [email],',
          '  "subject": "Thanks for getting in touch, " & name,',
          '  "text": "Hi " & name & ",\\n\\nWe received your message:\\n\\n" & message & "\\n\\nWe will get back to you soon."',
          '}',
        ].join('\n'),
        when: null,
      },
    ],
    sample: {
      body: formFields,
      raw: formRaw,
      contentType: 'application/x-www-form-urlencoded',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    },
  },
  {
    id: 'relay',
    name: 'Any webhook → relay unchanged',
    description: 'Forward every event byte for byte, with its content type, to another endpoint.',
    source: 'Any webhook',
    destination: 'Your endpoint',
    filter: null,
    actions: [
      {
        name: 'Relay',
        method: 'POST',
        url: 'https://example.com/webhooks',
        headers: {},
        body: null,
        when: null,
      },
    ],
    sample: jsonSample(stripePaymentSucceeded),
  },
];

export function getTemplate(id: string): AutomationTemplate | undefined {
  return AUTOMATION_TEMPLATES.find((t) => t.id === id);
}
