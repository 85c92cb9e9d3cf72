import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { JsonTree } from './json-tree';

function render(data: unknown, defaultExpandDepth?: number) {
  return renderToStaticMarkup(createElement(JsonTree, { data, defaultExpandDepth }));
}

describe('JsonTree', () => {
  it('renders keys and values as text, never as markup', () => {
    const html = render(
      {
        '<img src=x onerror=alert(1)>': '<script>alert("x")</script>',
        nested: { '</li><b>': ['<i>a</i>'] },
      },
      10,
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<i>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;i&gt;a&lt;/i&gt;');
  });

  it('quotes strings and shows other types bare', () => {
    const html = render({ s: 'hi', n: 42, b: false, z: null });
    expect(html).toContain('&quot;hi&quot;');
    expect(html).toContain('>42<');
    expect(html).toContain('>false<');
    expect(html).toContain('>null<');
  });

  it('opens two levels by default and summarises deeper containers', () => {
    const html = render({ level1: { level2: { hidden: 'deep value' } } });
    expect(html).toContain('level2');
    expect(html).not.toContain('deep value');
    expect(html).toContain('1 key');
    expect(html.match(/aria-expanded="true"/g)).toHaveLength(2);
    expect(html.match(/aria-expanded="false"/g)).toHaveLength(1);
  });

  it('honours a different default depth', () => {
    const html = render({ a: { b: { c: 'deep value' } } }, 5);
    expect(html).toContain('deep value');
    expect(html).not.toContain('aria-expanded="false"');
  });

  it('renders a bare string body without the expand controls', () => {
    const html = render('plain <text>');
    expect(html).toContain('&quot;plain &lt;text&gt;&quot;');
    expect(html).not.toContain('Expand all');
  });
});
