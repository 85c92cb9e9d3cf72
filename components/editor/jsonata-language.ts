import { StreamLanguage, type StreamParser } from '@codemirror/language';

// A small JSONata highlighter. Not a parser: the server's compile check is what reports errors.
// In template mode only the `{{ … }}` placeholders are JSONata; the rest is literal text.

interface State {
  template: boolean;
  inPlaceholder: boolean;
  inComment: boolean;
  braceDepth: number;
}

const KEYWORDS = new Set(['and', 'or', 'in', 'function']);
const ATOMS = new Set(['true', 'false', 'null']);

function tokenExpression(stream: Parameters<StreamParser<State>['token']>[0], state: State): string | null {
  if (state.inComment) {
    if (stream.skipTo('*/')) {
      stream.match('*/');
      state.inComment = false;
    } else {
      stream.skipToEnd();
    }
    return 'comment';
  }
  if (stream.eatSpace()) return null;
  if (stream.match('/*')) {
    state.inComment = true;
    return 'comment';
  }
  const ch = stream.peek();
  if (ch === '"' || ch === "'") {
    stream.next();
    let escaped = false;
    for (let c = stream.next(); c !== undefined && c !== null; c = stream.next()) {
      if (c === ch && !escaped) break;
      escaped = !escaped && c === '\\';
    }
    return 'string';
  }
  if (ch === '`') {
    stream.next();
    if (stream.skipTo('`')) stream.next();
    else stream.skipToEnd();
    return 'propertyName';
  }
  if (stream.match(/^-?\d+(\.\d+)?([eE][+-]?\d+)?/)) return 'number';
  if (stream.match(/^\$[A-Za-z0-9_]*/)) return 'variableName';
  if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) {
    const word = stream.current();
    if (KEYWORDS.has(word)) return 'keyword';
    if (ATOMS.has(word)) return 'atom';
    return 'propertyName';
  }
  if (state.template && state.inPlaceholder && state.braceDepth === 0 && stream.match('}}')) {
    state.inPlaceholder = false;
    return 'meta';
  }
  if (ch === '{') state.braceDepth++;
  if (ch === '}' && state.braceDepth > 0) state.braceDepth--;
  if (stream.match(/^(:=|!=|<=|>=|~>|\?:|\?\?|\.\.|[-+*/%&|=<>!?:;.,^#@])/)) return 'operator';
  stream.next();
  return 'bracket';
}

function parser(template: boolean): StreamParser<State> {
  return {
    name: template ? 'jsonata-template' : 'jsonata',
    startState: () => ({ template, inPlaceholder: false, inComment: false, braceDepth: 0 }),
    copyState: (s) => ({ ...s }),
    token(stream, state) {
      if (!state.template || state.inPlaceholder) return tokenExpression(stream, state);
      if (stream.match('{{')) {
        state.inPlaceholder = true;
        state.braceDepth = 0;
        return 'meta';
      }
      // Literal text up to the next placeholder.
      if (!stream.skipTo('{{')) stream.skipToEnd();
      return 'string';
    },
    languageData: { commentTokens: { block: { open: '/*', close: '*/' } } },
  };
}

export const jsonataLanguage = StreamLanguage.define(parser(false));
export const jsonataTemplateLanguage = StreamLanguage.define(parser(true));
