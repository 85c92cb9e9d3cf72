export { handleIngest, isIngestPath } from './handler';
