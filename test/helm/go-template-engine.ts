/**
 * Executes parsed templates with Go text/template semantics: variable
 * scopes per control structure, `$` as the data a template was called with,
 * `and`/`or` short-circuiting, sorted map iteration in `range`, nil-field
 * errors, and Helm's "<no value>" printed as "".
 */
import {
  parseTemplate,
  type BranchNode,
  type Operand,
  type Pipeline,
  type TemplateNode,
} from './go-template-parser.js';
import {
  formatValue,
  isMap,
  isTrue,
  kindOf,
  TemplateExecError,
  type GoValue,
} from './go-values.js';

/** A template function; a piped value arrives as the last argument. */
export type GoFunction = (...args: GoValue[]) => GoValue;

/** Nested `include`/`template` calls allowed before a loop is assumed. */
const MAX_DEPTH = 100;
const LAZY_FUNCTIONS = new Set(['and', 'or']);

interface State {
  dot: GoValue;
  vars: [string, GoValue][];
  template: string;
}

/** A set of named templates sharing one function table, as Helm's engine has. */
export class GoTemplateEngine {
  private readonly templates = new Map<string, TemplateNode[]>();
  private readonly functions: Record<string, GoFunction>;
  private depth = 0;

  constructor(
    functions: (engine: GoTemplateEngine) => Record<string, GoFunction>,
  ) {
    this.functions = functions(this);
  }

  /** Parses `source` as template `name`; its `define`s become templates too. */
  parse(name: string, source: string): void {
    const parsed = parseTemplate(
      name,
      source,
      (fn) => LAZY_FUNCTIONS.has(fn) || Object.hasOwn(this.functions, fn),
    );
    this.templates.set(name, parsed.body);
    for (const [defined, body] of parsed.defines) {
      this.templates.set(defined, body);
    }
  }

  /** Runs template `name` with `data` as both `.` and `$`. */
  execute(name: string, data: GoValue): string {
    const body = this.templates.get(name);
    if (!body) {
      throw new TemplateExecError(
        `no template "${name}" associated with template "gotpl"`,
      );
    }
    if (this.depth >= MAX_DEPTH) {
      throw new TemplateExecError(
        `exceeded maximum template depth (${MAX_DEPTH})`,
      );
    }
    const out: string[] = [];
    this.depth += 1;
    try {
      this.walk(body, { dot: data, vars: [['$', data]], template: name }, out);
    } finally {
      this.depth -= 1;
    }
    return out.join('');
  }

  private walk(nodes: TemplateNode[], state: State, out: string[]): void {
    for (const node of nodes) {
      try {
        this.walkNode(node, state, out);
      } catch (error) {
        throw this.located(error, state, node);
      }
    }
  }

  private walkNode(node: TemplateNode, state: State, out: string[]): void {
    switch (node.type) {
      case 'text':
        out.push(node.text);
        return;
      case 'action': {
        const value = this.pipeline(node.pipe, state);
        if (node.pipe.decl.length === 0) {
          out.push(value === null ? '' : formatValue(value));
        }
        return;
      }
      case 'if':
      case 'with': {
        const mark = state.vars.length;
        const value = this.pipeline(node.pipe, state);
        if (isTrue(value)) {
          const dot = node.type === 'with' ? value : state.dot;
          this.walk(node.list, { ...state, dot }, out);
        } else {
          this.walk(node.elseList, state, out);
        }
        state.vars.length = mark;
        return;
      }
      case 'range':
        this.range(node, state, out);
        return;
      case 'template': {
        const data = node.pipe ? this.pipeline(node.pipe, state) : null;
        out.push(this.execute(node.name, data));
        return;
      }
    }
  }

  private range(node: BranchNode, state: State, out: string[]): void {
    const value = this.pipeline({ ...node.pipe, decl: [] }, state);
    const entries: [GoValue, GoValue][] = Array.isArray(value)
      ? value.map((item, i) => [BigInt(i), item])
      : isMap(value)
        ? Object.keys(value)
            .sort()
            .map((key) => [key, value[key] ?? null])
        : typeof value === 'bigint'
          ? Array.from({ length: Number(value) }, (_, i) => [
              BigInt(i),
              BigInt(i),
            ])
          : [];
    // nil ranges over nothing; a string or number is an error, as in Go.
    if (
      value !== null &&
      !Array.isArray(value) &&
      !isMap(value) &&
      typeof value !== 'bigint'
    ) {
      throw new TemplateExecError(
        `range can't iterate over ${formatValue(value)}`,
      );
    }
    if (entries.length === 0) {
      this.walk(node.elseList, state, out);
      return;
    }
    const mark = state.vars.length;
    for (const [key, item] of entries) {
      const [first, second] = node.pipe.decl;
      if (first !== undefined && second === undefined) {
        state.vars.push([first, item]);
      } else if (first !== undefined && second !== undefined) {
        state.vars.push([first, key], [second, item]);
      }
      this.walk(node.list, { ...state, dot: item }, out);
      state.vars.length = mark;
    }
  }

  private pipeline(pipe: Pipeline, state: State): GoValue {
    let value: GoValue = null;
    pipe.commands.forEach((command, i) => {
      value = this.command(command, state, i > 0, value);
    });
    if (pipe.assign) {
      for (const name of pipe.decl) {
        const slot = state.vars.findLast(([declared]) => declared === name);
        if (!slot) {
          throw new TemplateExecError(`undefined variable: ${name}`);
        }
        slot[1] = value;
      }
    } else {
      for (const name of pipe.decl) {
        state.vars.push([name, value]);
      }
    }
    return value;
  }

  private command(
    command: Operand[],
    state: State,
    piped: boolean,
    final: GoValue,
  ): GoValue {
    const [head, ...rest] = command;
    if (head?.type === 'function') {
      if (LAZY_FUNCTIONS.has(head.name)) {
        return this.lazy(head.name, rest, state, piped, final);
      }
      const args = rest.map((operand) => this.operand(operand, state));
      return this.call(head.name, piped ? [...args, final] : args);
    }
    if (rest.length > 0 || piped) {
      throw new TemplateExecError("can't give argument to non-function");
    }
    return this.operand(head!, state);
  }

  /** `and` returns its first false argument, `or` its first true one, else the last. */
  private lazy(
    name: string,
    operands: Operand[],
    state: State,
    piped: boolean,
    final: GoValue,
  ): GoValue {
    const thunks = operands.map(
      (operand) => () => this.operand(operand, state),
    );
    if (piped) {
      thunks.push(() => final);
    }
    if (thunks.length === 0) {
      throw new TemplateExecError(
        `wrong number of args for ${name}: want at least 1 got 0`,
      );
    }
    let value: GoValue = null;
    for (const thunk of thunks) {
      value = thunk();
      if (isTrue(value) === (name === 'or')) {
        return value;
      }
    }
    return value;
  }

  private call(name: string, args: GoValue[]): GoValue {
    try {
      return this.functions[name]!(...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new TemplateExecError(`error calling ${name}: ${message}`);
    }
  }

  private operand(operand: Operand, state: State): GoValue {
    switch (operand.type) {
      case 'literal':
        return operand.value;
      case 'dot':
        return state.dot;
      case 'field':
        return fields(state.dot, operand.path);
      case 'variable': {
        const slot = state.vars.findLast(([name]) => name === operand.name);
        if (!slot) {
          throw new TemplateExecError(`undefined variable "${operand.name}"`);
        }
        return fields(slot[1], operand.path);
      }
      case 'function':
        // A function as an argument is called without arguments.
        return this.call(operand.name, []);
      case 'pipeline':
        return fields(this.pipeline(operand.pipe, state), operand.path);
    }
  }

  private located(error: unknown, state: State, node: TemplateNode): Error {
    if (
      !(error instanceof TemplateExecError) ||
      error.message.startsWith('template: ')
    ) {
      return error instanceof Error ? error : new Error(String(error));
    }
    const line = 'line' in node ? node.line : 0;
    return new TemplateExecError(
      `template: ${state.template}:${line}: ${error.message}`,
    );
  }
}

/** `.a.b` on a value: missing map keys are nil, fields of nil are an error. */
function fields(value: GoValue, path: string[]): GoValue {
  let current = value;
  for (const name of path) {
    if (current === null) {
      throw new TemplateExecError(
        `nil pointer evaluating interface {}.${name}`,
      );
    }
    if (!isMap(current)) {
      throw new TemplateExecError(
        `can't evaluate field ${name} in type ${kindOf(current)}`,
      );
    }
    current = current[name] ?? null;
  }
  return current;
}
