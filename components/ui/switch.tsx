'use client';

import { useId, useState, type ReactNode } from 'react';
import { cn } from './cn';

export type SwitchProps = {
  label: ReactNode;
  description?: ReactNode;
  /** Controlled state; omit it and use defaultChecked for an uncontrolled switch. */
  checked?: boolean;
  defaultChecked?: boolean;
  onCheckedChange?: (checked: boolean) => void;
  /** With a name, a hidden input submits `value` (default "on") when checked, like a checkbox. */
  name?: string;
  value?: string;
  disabled?: boolean;
  id?: string;
  /** Keeps the label for screen readers only. */
  hideLabel?: boolean;
  className?: string;
};

export function Switch({
  label,
  description,
  checked,
  defaultChecked = false,
  onCheckedChange,
  name,
  value = 'on',
  disabled,
  id,
  hideLabel,
  className,
}: SwitchProps) {
  const generatedId = useId();
  const switchId = id ?? generatedId;
  const descriptionId = description ? `${switchId}-description` : undefined;
  const [internal, setInternal] = useState(defaultChecked);
  const isOn = checked ?? internal;

  function toggle() {
    const next = !isOn;
    if (checked === undefined) setInternal(next);
    onCheckedChange?.(next);
  }

  return (
    <div className={cn('flex items-start gap-3', className)}>
      <button
        type="button"
        role="switch"
        id={switchId}
        aria-checked={isOn}
        aria-describedby={descriptionId}
        disabled={disabled}
        onClick={toggle}
        className={cn(
          'relative mt-0.5 inline-flex h-5 w-9 shrink-0 items-center rounded-full border border-transparent transition-colors disabled:cursor-not-allowed disabled:opacity-50',
          isOn ? 'bg-accent' : 'bg-input',
        )}
      >
        <span
          aria-hidden="true"
          className={cn(
            'inline-block size-4 rounded-full bg-white shadow-sm transition-transform',
            isOn ? 'translate-x-4' : 'translate-x-0',
          )}
        />
      </button>
      <div className={cn('flex flex-col gap-0.5', hideLabel && 'sr-only')}>
        <label htmlFor={switchId} className="text-sm font-medium text-foreground">
          {label}
        </label>
        {description && (
          <p id={descriptionId} className="text-xs text-muted-foreground">
            {description}
          </p>
        )}
      </div>
      {name && isOn && <input type="hidden" name={name} value={value} />}
    </div>
  );
}
