'use client';

import { useEffect, useRef, useState } from 'react';
import { toast } from 'sonner';
import { buttonClasses, type ButtonSize, type ButtonVariant } from './button';
import { cn } from './cn';
import { CheckIcon, CopyIcon } from './icons';

// navigator.clipboard only exists in secure contexts; a self-hosted instance is often on plain http.
async function writeClipboard(text: string): Promise<void> {
  if (window.isSecureContext && navigator.clipboard) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const textarea = document.createElement('textarea');
  textarea.value = text;
  textarea.setAttribute('readonly', '');
  textarea.style.position = 'fixed';
  textarea.style.opacity = '0';
  textarea.style.pointerEvents = 'none';
  const previousFocus = document.activeElement;
  document.body.appendChild(textarea);
  textarea.select();
  try {
    if (!document.execCommand('copy')) throw new Error('copy command refused');
  } finally {
    textarea.remove();
    if (previousFocus instanceof HTMLElement) previousFocus.focus();
  }
}

export type CopyButtonProps = {
  value: string;
  /** Accessible name, e.g. "Copy hook URL". */
  label?: string;
  /** Shows "Copy"/"Copied" next to the icon. */
  showText?: boolean;
  variant?: ButtonVariant;
  size?: ButtonSize;
  className?: string;
};

export function CopyButton({
  value,
  label = 'Copy to clipboard',
  showText = false,
  variant = 'ghost',
  size,
  className,
}: CopyButtonProps) {
  const [copied, setCopied] = useState(false);
  const resetTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => () => clearTimeout(resetTimer.current), []);

  async function copy() {
    try {
      await writeClipboard(value);
    } catch {
      toast.error('Could not copy. Select the text and copy it by hand.');
      return;
    }
    setCopied(true);
    toast.success('Copied to clipboard');
    clearTimeout(resetTimer.current);
    resetTimer.current = setTimeout(() => setCopied(false), 2000);
  }

  const Icon = copied ? CheckIcon : CopyIcon;
  return (
    <>
      <button
        type="button"
        onClick={copy}
        aria-label={showText ? undefined : label}
        title={label}
        className={buttonClasses(variant, size ?? (showText ? 'sm' : 'icon-sm'), className)}
      >
        <Icon className={cn('size-3.5', copied && 'text-success-text')} />
        {showText && <span>{copied ? 'Copied' : 'Copy'}</span>}
      </button>
      <span role="status" aria-live="polite" className="sr-only">
        {copied ? 'Copied' : ''}
      </span>
    </>
  );
}
