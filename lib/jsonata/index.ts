// The only entry point to JSONata in Hookline: save-time checks run here on the calling thread,
// evaluation runs in a pool of worker threads with a hard deadline.
export type {
  Bindings,
  EvalResult,
  EvaluateOptions,
  EvaluationKind,
  ExpressionError,
  TemplateMode,
} from './types';
export { checkExpression, getCompileStats } from './compile';
export { checkTemplate } from './templates';
export { evaluateExpression, evaluateMany, renderTemplate, type EvaluationItem } from './evaluate';
export { getJsonataPoolStats, shutdownJsonataPool, type PoolStats } from './pool';
export { isTruthy } from './truthy';
