/** Shown instead of an admin page to a member: says why and who can help. */
export function AdminOnly({ hint }: { hint: string }) {
  return (
    <div role="region" aria-labelledby="denied" className="rounded-md border border-border p-8 text-center">
      <h2 id="denied" className="text-lg font-semibold">
        Administrators only
      </h2>
      <p className="mt-1 text-sm text-muted-foreground">{hint}</p>
    </div>
  );
}
