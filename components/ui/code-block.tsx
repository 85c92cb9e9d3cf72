import { cn } from './cn';
import { CopyButton } from './copy-button';

export type CodeBlockProps = {
  /** Shown as text, never parsed as markup. */
  code: string;
  /** Adds a copy button; its accessible name is `copyLabel`. */
  copyable?: boolean;
  copyLabel?: string;
  /** Long lines wrap by default; false scrolls horizontally instead. */
  wrap?: boolean;
  className?: string;
};

export function CodeBlock({
  code,
  copyable = true,
  copyLabel = 'Copy code',
  wrap = true,
  className,
}: CodeBlockProps) {
  return (
    <div className={cn('group relative rounded-md border border-border bg-muted/60', className)}>
      <pre
        className={cn(
          'max-h-[28rem] overflow-auto p-3 font-mono text-xs leading-relaxed text-foreground',
          wrap ? 'whitespace-pre-wrap wrap-anywhere' : 'whitespace-pre',
          copyable && 'pr-11',
        )}
      >
        <code>{code}</code>
      </pre>
      {copyable && (
        <div className="absolute top-1.5 right-1.5">
          <CopyButton value={code} label={copyLabel} className="bg-surface/80" />
        </div>
      )}
    </div>
  );
}
