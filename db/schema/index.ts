export * from './users';
export * from './hooks';
export * from './automations';
export * from './events';
export * from './runs';
export * from './alerts';
