import { runtime } from './runtime';

// Starts the in-process worker and scheduler. Filled in by the delivery and pull-trigger modules.
export function startBackground(): void {
  runtime().worker = 'running';
}

export async function stopBackground(): Promise<void> {
  runtime().worker = 'off';
}
