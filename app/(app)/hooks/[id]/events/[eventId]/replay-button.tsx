'use client';

import { useState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { RefreshIcon } from '@/components/ui/icons';
import { replayEventAction } from '../../../actions';

export function ReplayButton({ eventId }: { eventId: string }) {
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant="secondary"
      loading={pending}
      onClick={async () => {
        setPending(true);
        const result = await replayEventAction(eventId);
        setPending(false);
        if (!result.ok) {
          toast.error(result.error);
          return;
        }
        const n = result.data?.length ?? 0;
        toast.success(`Replayed: ${n} new ${n === 1 ? 'run' : 'runs'} queued`);
      }}
    >
      {!pending && <RefreshIcon className="size-4" />}
      Replay
    </Button>
  );
}
