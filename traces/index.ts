// Public entry of synod/traces: the trace format's types and schema, the streaming writer and reader.

export type * from './types.js';
export {
  EVENT_KINDS,
  FAULTS,
  MAX_SAFE,
  SCHEMA_ID,
  TRACE_FORMAT,
  TRACE_VERSION,
  TYPED_PROTOCOLS,
  traceSchema,
} from './schema.js';
export type { SchemaNode, SchemaType } from './schema.js';
export { TRACE_ERROR_CODES, formatTraceError } from './errors.js';
export type { TraceError, TraceErrorCode } from './errors.js';
export { TraceWriter, TraceWriteError, stringifyTraceLine } from './TraceWriter.js';
export type { LineSink, MessageText, TraceWriterOptions } from './TraceWriter.js';
export { TraceReader, readTrace, validateTrace } from './read.js';
export type { EventBatch, ReadTraceOptions, TraceRecord, TraceSource, TraceValidation } from './read.js';
