/**
 * Parser of the Go text/template subset: text, actions, pipelines with
 * variables, `if`/`else if`/`with`/`range` (with `else`), `define` and
 * `template`. Functions are checked against the given table at parse time,
 * as Go does.
 */
import {
  lexTemplate,
  TemplateSyntaxError,
  type ActionToken,
  type GoLiteral,
  type Segment,
} from './go-template-lexer.js';

/** An argument of a command. */
export type Operand =
  | { type: 'literal'; value: GoLiteral }
  | { type: 'dot' }
  | { type: 'field'; path: string[] }
  | { type: 'variable'; name: string; path: string[] }
  | { type: 'function'; name: string }
  | { type: 'pipeline'; pipe: Pipeline; path: string[] };

/** `$a, $b := cmd | cmd`. */
export interface Pipeline {
  decl: string[];
  assign: boolean;
  commands: Operand[][];
}

/** `{{if}}`, `{{with}}` or `{{range}}`, with its `{{else}}` part. */
export interface BranchNode {
  type: 'if' | 'with' | 'range';
  pipe: Pipeline;
  list: TemplateNode[];
  elseList: TemplateNode[];
  line: number;
}

/** A node of a parsed template body. */
export type TemplateNode =
  | { type: 'text'; text: string }
  | { type: 'action'; pipe: Pipeline; line: number }
  | BranchNode
  | { type: 'template'; name: string; pipe: Pipeline | null; line: number };

/** A file's body plus the templates it defines. */
export interface ParsedTemplate {
  body: TemplateNode[];
  defines: Map<string, TemplateNode[]>;
}

type Terminator = { keyword: 'end' | 'else'; rest: ActionToken[] } | null;

/** Parses `source`; `isFunction` says which identifiers name functions. */
export function parseTemplate(
  name: string,
  source: string,
  isFunction: (name: string) => boolean,
): ParsedTemplate {
  const parser = new Parser(name, lexTemplate(name, source), isFunction);
  return parser.parseFile();
}

class Parser {
  private index = 0;
  private readonly defines = new Map<string, TemplateNode[]>();
  private line = 1;

  constructor(
    private readonly name: string,
    private readonly segments: Segment[],
    private readonly isFunction: (name: string) => boolean,
  ) {}

  parseFile(): ParsedTemplate {
    const { nodes, terminator } = this.parseList();
    if (terminator) {
      throw this.error(`unexpected {{${terminator.keyword}}}`);
    }
    return { body: nodes, defines: this.defines };
  }

  private parseList(): { nodes: TemplateNode[]; terminator: Terminator } {
    const nodes: TemplateNode[] = [];
    while (this.index < this.segments.length) {
      const segment = this.segments[this.index++]!;
      if (segment.kind === 'text') {
        nodes.push({ type: 'text', text: segment.text });
        continue;
      }
      this.line = segment.line;
      const [first, ...rest] = segment.tokens;
      if (first?.kind === 'keyword') {
        if (first.name === 'end' || first.name === 'else') {
          return { nodes, terminator: { keyword: first.name, rest } };
        }
        const node = this.parseControl(first.name, rest);
        if (node) {
          nodes.push(node);
        }
        continue;
      }
      nodes.push({
        type: 'action',
        pipe: new TokenReader(segment.tokens, this).pipeline(),
        line: this.line,
      });
    }
    return { nodes, terminator: null };
  }

  private parseControl(
    keyword: string,
    tokens: ActionToken[],
  ): TemplateNode | null {
    const line = this.line;
    switch (keyword) {
      case 'if':
      case 'with':
      case 'range':
        return this.parseBranch(keyword, tokens, line);
      case 'define': {
        const name = this.nameOf(tokens, keyword);
        const { nodes, terminator } = this.parseList();
        if (terminator?.keyword !== 'end') {
          throw this.error(`unexpected EOF in define "${name}"`);
        }
        this.defines.set(name, nodes);
        return null;
      }
      case 'template': {
        const name = this.nameOf(tokens, keyword);
        const rest = tokens.slice(1);
        const pipe =
          rest.length > 0 ? new TokenReader(rest, this).pipeline() : null;
        return { type: 'template', name, pipe, line };
      }
      default:
        throw this.error(`{{${keyword}}} is outside the supported subset`);
    }
  }

  private parseBranch(
    type: 'if' | 'with' | 'range',
    tokens: ActionToken[],
    line: number,
  ): TemplateNode {
    const pipe = new TokenReader(tokens, this).pipeline();
    const { nodes, terminator } = this.parseList();
    if (!terminator) {
      throw this.error(`unexpected EOF in {{${type}}}`);
    }
    let elseList: TemplateNode[] = [];
    if (terminator.keyword === 'else') {
      const [chained, ...rest] = terminator.rest;
      if (chained?.kind === 'keyword' && type !== 'range') {
        // `{{else if x}}` / `{{else with x}}`: a nested branch sharing our {{end}}.
        if (chained.name !== 'if' && chained.name !== 'with') {
          throw this.error(`unexpected {{else ${chained.name}}}`);
        }
        elseList = [this.parseBranch(chained.name, rest, this.line)];
        return { type, pipe, list: nodes, elseList, line };
      }
      const tail = this.parseList();
      if (tail.terminator?.keyword !== 'end') {
        throw this.error(`expected {{end}} after {{else}} in {{${type}}}`);
      }
      elseList = tail.nodes;
    }
    return { type, pipe, list: nodes, elseList, line };
  }

  private nameOf(tokens: ActionToken[], keyword: string): string {
    const first = tokens[0];
    if (first?.kind !== 'literal' || typeof first.value !== 'string') {
      throw this.error(`{{${keyword}}} needs a quoted name`);
    }
    return first.value;
  }

  checkFunction(name: string): void {
    if (!this.isFunction(name)) {
      throw this.error(`function "${name}" not defined`);
    }
  }

  error(message: string): TemplateSyntaxError {
    return new TemplateSyntaxError(this.name, this.line, message);
  }
}

/** Reads one pipeline from an action's tokens. */
class TokenReader {
  private pos = 0;

  constructor(
    private readonly tokens: ActionToken[],
    private readonly parser: Parser,
  ) {}

  pipeline(): Pipeline {
    const pipe = this.readPipeline();
    if (this.pos < this.tokens.length) {
      throw this.parser.error('unexpected token after pipeline');
    }
    return pipe;
  }

  private readPipeline(): Pipeline {
    const { decl, assign } = this.declarations();
    const commands: Operand[][] = [];
    let command: Operand[] = [];
    while (this.pos < this.tokens.length) {
      const token = this.tokens[this.pos]!;
      if (token.kind === 'punct' && token.value === ')') {
        break;
      }
      this.pos += 1;
      if (token.kind === 'punct' && token.value === '|') {
        commands.push(this.checked(command));
        command = [];
        continue;
      }
      command.push(this.operand(token));
    }
    commands.push(this.checked(command));
    return { decl, assign, commands };
  }

  private declarations(): { decl: string[]; assign: boolean } {
    const names: string[] = [];
    let pos = this.pos;
    for (;;) {
      const token = this.tokens[pos];
      if (token?.kind !== 'variable' || token.path.length > 0) {
        return { decl: [], assign: false };
      }
      names.push(token.name);
      const next = this.tokens[pos + 1];
      if (next?.kind === 'punct' && next.value === ',') {
        pos += 2;
        continue;
      }
      if (
        next?.kind === 'punct' &&
        (next.value === ':=' || next.value === '=')
      ) {
        this.pos = pos + 2;
        return { decl: names, assign: next.value === '=' };
      }
      return { decl: [], assign: false };
    }
  }

  private operand(token: ActionToken): Operand {
    switch (token.kind) {
      case 'literal':
        return { type: 'literal', value: token.value };
      case 'dot':
        return { type: 'dot' };
      case 'field':
        return { type: 'field', path: token.path };
      case 'variable':
        return { type: 'variable', name: token.name, path: token.path };
      case 'identifier':
        this.parser.checkFunction(token.name);
        return { type: 'function', name: token.name };
      case 'punct':
        if (token.value === '(') {
          const pipe = this.readPipeline();
          const close = this.tokens[this.pos++];
          if (close?.kind !== 'punct' || close.value !== ')') {
            throw this.parser.error('unclosed left paren');
          }
          const chain = this.tokens[this.pos];
          const path =
            chain?.kind === 'field' && chain.adjacent ? chain.path : [];
          this.pos += path.length > 0 ? 1 : 0;
          return { type: 'pipeline', pipe, path };
        }
        throw this.parser.error(`unexpected "${token.value}" in command`);
      case 'keyword':
        throw this.parser.error(`unexpected keyword ${token.name} in command`);
    }
  }

  private checked(command: Operand[]): Operand[] {
    if (command.length === 0) {
      throw this.parser.error('missing value for command');
    }
    return command;
  }
}
