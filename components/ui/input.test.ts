import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Field, Input, type FieldProps } from './input';

function renderField(props: Omit<FieldProps, 'children'>, control: ReactElement) {
  // createElement's typing wants children inside props; the child is passed as an argument instead.
  return renderToStaticMarkup(createElement(Field, props as FieldProps, control));
}

describe('Field', () => {
  it('labels the control and links hint and error to it', () => {
    const html = renderField(
      { id: 'email', label: 'Email', hint: 'We never share it.', error: 'Enter an email address.' },
      createElement(Input, { name: 'email' }),
    );
    expect(html).toContain('for="email"');
    expect(html).toMatch(/<input[^>]*id="email"/);
    expect(html).toMatch(/<input[^>]*aria-describedby="email-hint email-error"/);
    expect(html).toMatch(/<input[^>]*aria-invalid="true"/);
    expect(html).toContain('id="email-error"');
  });

  it('leaves the control valid without an error', () => {
    const html = renderField({ id: 'name', label: 'Name' }, createElement(Input));
    expect(html).not.toContain('aria-invalid="');
    expect(html).not.toContain('aria-describedby="');
  });
});
