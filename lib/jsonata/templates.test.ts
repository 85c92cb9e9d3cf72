import { afterAll, describe, expect, it } from 'vitest';
import { renderTemplate } from './evaluate';
import { shutdownJsonataPool } from './pool';
import { checkTemplate, parseTemplate } from './templates';

afterAll(() => shutdownJsonataPool());

describe('parseTemplate', () => {
  it('splits literal text and placeholders, finding the right closing braces', () => {
    expect(parseTemplate('a{{ x }}b{{ {"k": {"n": 1}} }}c{{ "}}" }}')).toEqual({
      parts: [
        { kind: 'text', text: 'a' },
        { kind: 'expr', expr: ' x ', offset: 3 },
        { kind: 'text', text: 'b' },
        { kind: 'expr', expr: ' {"k": {"n": 1}} ', offset: 11 },
        { kind: 'text', text: 'c' },
        { kind: 'expr', expr: ' "}}" ', offset: 33 },
      ],
    });
    expect(parseTemplate('no placeholders')).toEqual({ parts: [{ kind: 'text', text: 'no placeholders' }] });
  });
});

describe('checkTemplate', () => {
  it('accepts a valid template', () => {
    expect(checkTemplate('https://x.test/{{ id }}?a={{ $event.query.a }}')).toBeNull();
  });

  it('reports positions relative to the whole template', () => {
    // The expression " a + " starts at 17; on its own jsonata reports position 5 (its end).
    expect(checkTemplate('https://x.test/{{ a + }}')).toMatchObject({ code: 'S0207', position: 17 + 5 });
    expect(checkTemplate('X-Key: {{ $eval("1") }}')).toMatchObject({ code: 'EVAL_REFUSED', position: 9 + 6 });
  });

  it('reports unclosed and empty placeholders', () => {
    expect(checkTemplate('abc {{ id ')).toMatchObject({ code: 'TEMPLATE', position: 6 });
    expect(checkTemplate('abc {{  }}')).toMatchObject({ code: 'TEMPLATE', position: 10 });
  });
});

describe('renderTemplate', () => {
  const input = { id: '../admin?x=1#f', user: { name: 'Zoë' }, tags: ['a', 'b'], n: 3.5, nothing: null };

  it('percent-encodes substituted values in url mode so they cannot leave their segment', async () => {
    const result = await renderTemplate(
      'https://api.test/items/{{ id }}?who={{ user.name }}&q={{ tags }}',
      input,
      undefined,
      'url',
    );
    expect(result).toEqual({
      ok: true,
      value: 'https://api.test/items/..%2Fadmin%3Fx%3D1%23f?who=Zo%C3%AB&q=%5B%22a%22%2C%22b%22%5D',
    });
  });

  it('strips CR/LF in header mode, including from the value', async () => {
    const result = await renderTemplate(
      'Bearer {{ token }}',
      { token: 'abc\r\nX-Injected: 1' },
      undefined,
      'header',
    );
    expect(result).toEqual({ ok: true, value: 'Bearer abcX-Injected: 1' });
  });

  it('renders objects as JSON, undefined and null as empty, numbers as text', async () => {
    const result = await renderTemplate(
      '{{ user }}|{{ missing }}|{{ nothing }}|{{ n }}|{{ $event.id }}',
      input,
      { event: { id: 'e1' } },
      'text',
    );
    expect(result).toEqual({ ok: true, value: '{"name":"Zoë"}|||3.5|e1' });
  });

  it('fails with the first failing placeholder, positioned in the whole template', async () => {
    const result = await renderTemplate('a={{ n }}&b={{ $number("x") }}', input, undefined, 'url');
    // " $number(\"x\") " starts at 14; on its own jsonata reports position 9 (just after "(").
    expect(result).toMatchObject({ ok: false, error: { code: 'D3030', position: 14 + 9 } });
  });
});
