import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AGENT_FORMAT_NAMES,
  parseAgentFormat,
} from '../config/agent-format-setting.js';
import { wantsMcpTools } from '../mcp/tool-loop/request-toolset.js';
import { EVENT_NAMINGS, eventNamingOf } from '../protocol/event-naming.js';
import {
  AGENT_FORMAT_VALUE_SCHEMA,
  MCP_TOOLS_OPT_OUT_VALUES,
} from './request-headers.js';

// The documented values must be the ones the gateway acts on.
describe('the documented request header values', () => {
  it('x-mcp-tools: each documented opt-out keeps the MCP tools out, in any case', () => {
    for (const value of MCP_TOOLS_OPT_OUT_VALUES) {
      expect(wantsMcpTools(value, undefined), value).toBe(false);
      expect(wantsMcpTools(` ${value.toUpperCase()} `, undefined)).toBe(false);
    }
    for (const value of ['on', 'true', '1', 'yes', '']) {
      expect(wantsMcpTools(value, undefined), value).toBe(true);
    }
  });

  it('x-responses-event-naming: each documented value picks that naming', () => {
    for (const naming of EVENT_NAMINGS) {
      const other = EVENT_NAMINGS.find((value) => value !== naming)!;
      expect(eventNamingOf(naming, other)).toBe(naming);
    }
  });

  describe('agent_format / x-tool-call-format', () => {
    const validate = new Ajv2020().compile(AGENT_FORMAT_VALUE_SCHEMA);

    it('documents every named format, and the START,END form', () => {
      for (const value of [...AGENT_FORMAT_NAMES, '<call>,</call>']) {
        expect(validate(value), value).toBe(true);
        expect(parseAgentFormat(value), value).toBeDefined();
      }
    });

    it('never admits a value the gateway refuses (200 runs)', () => {
      const piece = fc.constantFrom('a', 'x', 'ml', ',', ' ', '<', '/', '|');
      const value = fc.oneof(
        fc.string({ unit: piece, maxLength: 10 }),
        fc.constantFrom('', ',', ' , ', 'a,', ',b', 'a, ', ' ,b', 'json'),
      );
      fc.assert(
        fc.property(value, (text) => {
          if (validate(text)) {
            expect(parseAgentFormat(text), JSON.stringify(text)).toBeDefined();
          }
        }),
        { numRuns: 200 },
      );
    });
  });
});
