// Worker thread that evaluates user JSONata expressions for lib/jsonata/pool.ts.
// Plain JavaScript on purpose: it is started by file path (not through a bundler or tsx), so it
// runs unchanged under tsx, vitest and the Next.js server bundle.
import { parentPort } from 'node:worker_threads';
import jsonata from 'jsonata';
import { RE2JS } from 're2js';
import { nameThread } from '../thread-name.mjs';
import { MAX_DEPTH, MAX_SEQUENCE, toError, toPlain } from './eval-results.mjs';

nameThread('hl-jsonata');

const CACHE_SIZE = 500;

/** RegExp look-alike backed by re2js: linear-time matching, so no pattern can backtrack forever. */
class Re2RegExp {
  static cache = new Map();

  constructor(regexp) {
    const source = typeof regexp === 'string' ? regexp : regexp.source;
    const flags = typeof regexp === 'string' ? '' : regexp.flags;
    const key = `${flags}/${source}`;
    let compiled = Re2RegExp.cache.get(key);
    if (!compiled) {
      let re2Flags = 0;
      if (flags.includes('i')) re2Flags |= RE2JS.CASE_INSENSITIVE;
      if (flags.includes('m')) re2Flags |= RE2JS.MULTILINE;
      compiled = RE2JS.compile(RE2JS.translateRegExp(source), re2Flags);
      if (Re2RegExp.cache.size >= CACHE_SIZE) Re2RegExp.cache.clear();
      Re2RegExp.cache.set(key, compiled);
    }
    this.pattern = compiled;
    this.source = source;
    this.flags = flags;
    this.lastIndex = 0;
  }

  // Global-flag semantics, as jsonata expects: search from lastIndex, then move lastIndex to the
  // end of the match (jsonata itself detects zero-length matches that would never progress).
  exec(str) {
    if (this.lastIndex > str.length) {
      this.lastIndex = 0;
      return null;
    }
    const matcher = this.pattern.matcher(str);
    if (!matcher.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const match = [];
    for (let i = 0; i <= matcher.groupCount(); i++) match.push(matcher.group(i) ?? undefined);
    match.index = matcher.start();
    match.input = str;
    this.lastIndex = matcher.end();
    return match;
  }

  test(str) {
    return this.exec(str) !== null;
  }
}

const refuseEval = () => {
  throw {
    code: 'EVAL_REFUSED',
    message: '$eval is not allowed: expressions cannot evaluate strings as code',
  };
};

// jsonata's sequence limit does not cover $split, which builds its array natively in one go. A
// huge array allocated in one step can abort the whole process instead of just this worker
// (nodejs/node#47224: resourceLimits are best-effort), so its result size is capped up front.
const builtinSplit = await jsonata('$split').evaluate({});
const guardedSplit = {
  ...builtinSplit,
  implementation: async function (str, separator, limit) {
    const cap = typeof limit === 'number' ? Math.min(limit, MAX_SEQUENCE + 1) : MAX_SEQUENCE + 1;
    const result = await builtinSplit.implementation.call(this, str, separator, cap);
    if (
      Array.isArray(result) &&
      result.length > MAX_SEQUENCE &&
      !(typeof limit === 'number' && limit <= MAX_SEQUENCE)
    ) {
      throw { code: 'D2015', value: MAX_SEQUENCE };
    }
    return result;
  },
};

const compiled = new Map();

function compile(expr) {
  let entry = compiled.get(expr);
  if (entry) {
    compiled.delete(expr); // re-insert to keep Map order = least recently used first
  } else {
    const options = { RegexEngine: Re2RegExp, timeout: 1000, stack: MAX_DEPTH, sequence: MAX_SEQUENCE };
    const expression = jsonata(expr, options);
    expression.registerFunction('eval', refuseEval);
    expression.assign('split', guardedSplit);
    entry = { expression, options };
    if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value);
  }
  compiled.set(expr, entry);
  return entry;
}

async function evaluateOne(expr, input, bindings, timeoutMs) {
  try {
    const { expression, options } = compile(expr);
    // Safe to mutate: a worker evaluates one expression at a time.
    options.timeout = timeoutMs;
    const value = await expression.evaluate(input, bindings);
    return { ok: true, value: toPlain(value) };
  } catch (err) {
    return { ok: false, error: toError(err, timeoutMs) };
  }
}

parentPort.on('message', async (msg) => {
  if (msg.type !== 'run') return;
  const bindings = {
    event: msg.bindings.event,
    secrets: msg.bindings.secrets ?? {},
    steps: msg.bindings.steps ?? [],
  };
  for (let index = msg.start; index < msg.exprs.length; index++) {
    const result = await evaluateOne(msg.exprs[index], msg.input, bindings, msg.timeoutMs);
    try {
      parentPort.postMessage({ type: 'item', id: msg.id, index, result });
    } catch (err) {
      parentPort.postMessage({ type: 'item', id: msg.id, index, result: { ok: false, error: toError(err) } });
    }
  }
});

parentPort.postMessage({ type: 'ready' });
