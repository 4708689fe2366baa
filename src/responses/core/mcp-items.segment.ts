import type { ItemSink } from './event-log.js';
import { newId } from './ids.js';
import { OutputSegment } from './output.segment.js';
import type {
  ItemStatus,
  ResponseOutputItem,
} from '../../protocol/responses.types.js';

/** One tool of an `mcp_list_tools` item (§5). */
export interface McpListedTool {
  name: string;
  description: string | null;
  input_schema: Record<string, unknown>;
  annotations: Record<string, unknown> | null;
}

/** A call of an MCP tool the gateway runs. */
export interface McpCallSpec {
  serverLabel: string;
  /** The tool's own name on its server. */
  name: string;
  arguments: string;
  /** Set when the call ran after the user approved it. */
  approvalRequestId?: string;
}

/** How an MCP call ended: its output, or one of the spec's MCPToolCallError objects. */
export type McpCallOutcome =
  { output: string } | { error: Record<string, unknown> };

/**
 * An `mcp_list_tools` item, complete when added (§3.5): output_item.added
 * with `tools: []` → mcp_list_tools.in_progress → .completed (or .failed
 * when the server could not be listed) → output_item.done with the tools.
 */
export class McpListToolsSegment extends OutputSegment {
  constructor(
    private readonly serverLabel: string,
    private readonly tools: readonly McpListedTool[],
    private readonly error?: string,
  ) {
    super();
    this.sealed = true;
  }

  get openable(): boolean {
    return true;
  }

  protected createId(): string {
    return newId('mcpl');
  }

  protected item(
    id: string,
    _status: ItemStatus,
    empty: boolean,
  ): ResponseOutputItem {
    return {
      id,
      type: 'mcp_list_tools',
      server_label: this.serverLabel,
      tools: empty ? [] : structuredClone([...this.tools]),
      ...(this.error === undefined ? {} : { error: this.error }),
    };
  }

  protected replay(sink: ItemSink): void {
    sink.event('response.mcp_list_tools.in_progress', {});
  }

  protected finishEvents(sink: ItemSink): void {
    sink.event(
      this.error === undefined
        ? 'response.mcp_list_tools.completed'
        : 'response.mcp_list_tools.failed',
      {},
    );
  }
}

/**
 * An `mcp_call` item (§3.5): output_item.added (`arguments: ''`, in
 * progress) → mcp_call_arguments.delta/done → mcp_call.in_progress while the
 * tool runs; then, once `finish()` has the outcome, mcp_call.completed or
 * .failed → output_item.done with `output` or `error`.
 */
export class McpCallSegment extends OutputSegment {
  private outcome: McpCallOutcome | undefined;

  constructor(private readonly spec: McpCallSpec) {
    super();
  }

  get openable(): boolean {
    return true;
  }

  /** The tool's outcome; the item may close now. */
  finish(outcome: McpCallOutcome): void {
    this.outcome = outcome;
    this.sealed = true;
  }

  protected createId(): string {
    return newId('mcp');
  }

  // A parameterless call may come without arguments; clients JSON.parse them.
  private get args(): string {
    return this.spec.arguments === '' ? '{}' : this.spec.arguments;
  }

  protected item(
    id: string,
    status: ItemStatus,
    empty: boolean,
  ): ResponseOutputItem {
    const approval =
      this.spec.approvalRequestId === undefined
        ? {}
        : { approval_request_id: this.spec.approvalRequestId };
    const head = {
      id,
      type: 'mcp_call',
      server_label: this.spec.serverLabel,
      name: this.spec.name,
    };
    if (empty) {
      return { ...head, arguments: '', ...approval, status: 'in_progress' };
    }
    const outcome = this.outcome;
    return {
      ...head,
      arguments: this.args,
      ...approval,
      output:
        outcome !== undefined && 'output' in outcome ? outcome.output : null,
      error: outcome !== undefined && 'error' in outcome ? outcome.error : null,
      status:
        outcome === undefined
          ? status
          : 'error' in outcome
            ? 'failed'
            : 'completed',
    };
  }

  protected replay(sink: ItemSink): void {
    sink.event('response.mcp_call_arguments.delta', { delta: this.args });
    sink.event('response.mcp_call_arguments.done', { arguments: this.args });
    sink.event('response.mcp_call.in_progress', {});
  }

  protected finishEvents(sink: ItemSink): void {
    if (this.outcome !== undefined) {
      sink.event(
        'error' in this.outcome
          ? 'response.mcp_call.failed'
          : 'response.mcp_call.completed',
        {},
      );
    }
  }
}

/** An `mcp_approval_request` item (mcpr_…), complete when added. */
export class McpApprovalRequestSegment extends OutputSegment {
  constructor(private readonly spec: McpCallSpec) {
    super();
    this.sealed = true;
  }

  get openable(): boolean {
    return true;
  }

  protected createId(): string {
    return newId('mcpr');
  }

  protected item(id: string): ResponseOutputItem {
    return {
      id,
      type: 'mcp_approval_request',
      server_label: this.spec.serverLabel,
      name: this.spec.name,
      arguments: this.spec.arguments === '' ? '{}' : this.spec.arguments,
    };
  }

  protected replay(): void {}

  protected finishEvents(): void {}
}
