/** What the client declared behind one chat function name. */
export interface DeclaredTool {
  kind: 'function' | 'custom';
  /** The tool's own name (without its namespace). */
  name: string;
  namespace?: string;
}

/** Chat function name → the tool the client declared under it. */
export interface ToolNameMap {
  get(chatName: string): DeclaredTool | undefined;
}

/** Joins a namespace (or server label) and a tool name into one chat function name. */
export function flattenToolName(namespace: string, name: string): string {
  return `${namespace}__${name}`;
}

/** The ToolNameMap built while mapping `tools`. */
export class DeclaredToolMap implements ToolNameMap {
  private readonly byChatName = new Map<string, DeclaredTool>();

  /** Registers a tool; returns false when the chat name is already taken. */
  add(chatName: string, tool: DeclaredTool): boolean {
    if (this.byChatName.has(chatName)) {
      return false;
    }
    this.byChatName.set(chatName, tool);
    return true;
  }

  get(chatName: string): DeclaredTool | undefined {
    return this.byChatName.get(chatName);
  }

  /**
   * The chat name a `tool_choice` entry picks: the declared tool of that
   * kind, name and namespace, or a flattened chat name given whole.
   */
  chatNameFor(
    kind: DeclaredTool['kind'],
    name: string,
    namespace?: string,
  ): string | undefined {
    return (
      this.chatNameOf(kind, name, namespace) ??
      (this.get(name)?.kind === kind ? name : undefined)
    );
  }

  /** The chat name of a declared tool, looked up by kind, name and namespace. */
  private chatNameOf(
    kind: DeclaredTool['kind'],
    name: string,
    namespace?: string,
  ): string | undefined {
    for (const [chatName, tool] of this.byChatName) {
      if (
        tool.kind === kind &&
        tool.name === name &&
        (namespace === undefined || tool.namespace === namespace)
      ) {
        return chatName;
      }
    }
    return undefined;
  }
}
