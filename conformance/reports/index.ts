// The reports of a conformance run: terminal text, JSON, JUnit XML, Markdown and a self-contained
// HTML page. Each renders a ConformResult as it is; none computes a verdict.
export { renderTerminal } from './terminal.js';
export { renderJson } from './json.js';
export { renderJunit } from './junit.js';
export { renderMarkdown } from './markdown.js';
export { renderHtml, embedJson } from './html.js';
export { VERDICT_TEXT, eventText, formatMs, formatValue } from './text.js';
