import type { Metadata } from 'next';
import { DestinationTable } from '@/components/destinations/destination-table';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/session';
import { listDestinations } from '@/lib/destinations/destinations';
import { updateDestinationAction } from './actions';

export const metadata: Metadata = { title: 'Destinations' };

export default async function DestinationsPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader
        title="Destinations"
        description="Every host your actions call: traffic over the last 24 hours, circuit breaker state, and limits. Throttled and paused deliveries wait; they never fail."
      />
      <DestinationTable destinations={listDestinations(user)} updateAction={updateDestinationAction} />
    </>
  );
}
