/**
 * `packsmith validate --format sarif`: SARIF 2.1.0 for GitHub code scanning (upload-sarif) and
 * other SARIF viewers. What GitHub needs beyond the schema, and how this file meets it:
 * - every result's `ruleId` is a rule of `tool.driver.rules` and `ruleIndex` points at it;
 * - every result has a location with a relative `artifactLocation.uri` (GitHub rejects the WHOLE
 *   upload, "locationFromSarifResult: expected at least one location", when one result has none):
 *   findings without a location are anchored at line 1 of `report.projectFile` (else the first
 *   checked file); only a report without any file yields a result without locations;
 * - `partialFingerprints` hash the rule, file and message, not the line, so an alert follows its
 *   finding when lines above it change;
 * - suppressed findings are results with `suppressions`, which GitHub shows as dismissed.
 * The output is deterministic: no timestamps, no absolute paths unless `srcRootUri` is given.
 */
import { createHash } from 'node:crypto';
import type { Diagnostic, Severity } from '../../diagnostics/diagnostic.js';
import type { RuleInfo, ValidationReport } from '../../validation/report.js';
import { terminalSafeJson } from '../../util/text.js';
import { cfnLintNote } from './shared.js';

export const sarifSchemaUri = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Key of packsmith's fingerprint in `partialFingerprints`; the version changes with the hash input. */
export const fingerprintKey = 'packsmithFindingHash/v1';

export interface SarifOptions {
  /** `tool.driver.informationUri`: packsmith's home page; none when packsmith's manifest names none. */
  informationUri?: string;
  /**
   * Base that packsmith's relative rule `helpUri`s (docs/checks.md#ps111) are resolved against: its
   * repository at the release. Without one, rules carry their help text but no link (never a guess).
   */
  docsBaseUri?: string;
  /** Maps a report path (relative to where validate ran) to the path SARIF gives (`--sarif-root`). */
  pathFor?: (path: string) => string;
  /**
   * Absolute `file://` URI (ending in `/`) of the folder the paths are relative to, for
   * `originalUriBaseIds`; omitted by default so the file does not depend on the machine.
   */
  srcRootUri?: string;
}

type SarifLevel = 'error' | 'warning' | 'note';

interface SarifMessage {
  text: string;
  markdown?: string;
}

interface SarifRegion {
  startLine: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
}

interface SarifLocation {
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId: string };
    region: SarifRegion;
  };
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: Required<SarifMessage>;
  helpUri?: string;
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[] };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations?: SarifLocation[];
  partialFingerprints: Record<string, string>;
  suppressions?: Array<{ kind: 'external' | 'inSource'; justification: string }>;
}

const srcRoot = '%SRCROOT%';

export function sarifLevel(severity: Severity): SarifLevel {
  return severity === 'info' ? 'note' : severity;
}

/** A relative path as a relative URI reference: `/` separators, each segment percent-encoded. */
export function relativeUri(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/** `uri` if absolute; else resolved against `base` (packsmith's docs), or dropped without one. */
function absoluteUri(uri: string | undefined, base: string | undefined): string | undefined {
  if (!uri) return undefined;
  try {
    return new URL(uri).href;
  } catch {
    // relative: resolved against the documentation base below
  }
  if (base === undefined) return undefined;
  try {
    return new URL(uri, base).href;
  } catch {
    return undefined;
  }
}

/** Markdown as plain text, good enough for SARIF `text` fields: links keep their target. */
function plainText(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\(([^)\s]+)\)/g, '$1 ($2)')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1');
}

function ruleDescriptor(rule: RuleInfo, docsBase: string | undefined): SarifRule {
  // Only packsmith's own doc paths are relative to packsmith's docs; a relative cfn-lint Source is dropped.
  const helpUri = absoluteUri(rule.helpUri, rule.source === 'packsmith' ? docsBase : undefined);
  const summary = rule.summary.trim() || rule.id;
  const help = rule.help.trim() || summary;
  const text = [plainText(help)];
  const markdown = [help];
  if (rule.fix) {
    text.push(`Fix: ${plainText(rule.fix)}`);
    markdown.push(`**Fix:** ${rule.fix}`);
  }
  if (helpUri) {
    text.push(`Documentation: ${helpUri}`);
    markdown.push(`[Documentation](${helpUri})`);
  }
  return {
    id: rule.id,
    name: rule.name || rule.id,
    shortDescription: { text: plainText(summary) },
    fullDescription: { text: plainText(help === summary ? summary : `${summary} ${help}`) },
    help: { text: text.join('\n\n'), markdown: markdown.join('\n\n') },
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: sarifLevel(rule.severity) },
    properties: {
      tags: rule.source === 'cfn-lint' ? ['cfn-lint', 'cloudformation'] : ['packsmith', 'aws-config'],
    },
  };
}

/** Metadata for an id the report has no rule for, so that `ruleIndex` can still point at it. */
function placeholderRule(d: Diagnostic): RuleInfo {
  return {
    id: d.checkId,
    name: d.checkId,
    summary: d.checkId,
    help: '',
    severity: d.severity,
    source: /^PS\d/.test(d.checkId) ? 'packsmith' : 'cfn-lint',
  };
}

function region(location: NonNullable<Diagnostic['location']>): SarifRegion {
  const startLine = Math.max(1, Math.trunc(location.line) || 1);
  const startColumn = Math.max(1, Math.trunc(location.column) || 1);
  const out: SarifRegion = { startLine, startColumn };
  const endLine = location.endLine ?? startLine;
  if (location.endLine !== undefined && endLine >= startLine) out.endLine = endLine;
  if (location.endColumn !== undefined && endLine >= startLine) {
    if (endLine > startLine || location.endColumn >= startColumn)
      out.endColumn = Math.max(1, location.endColumn);
  }
  return out;
}

function physical(file: string, r: SarifRegion): SarifLocation {
  return {
    physicalLocation: { artifactLocation: { uri: relativeUri(file), uriBaseId: srcRoot }, region: r },
  };
}

function fingerprint(ruleId: string, file: string, message: string): string {
  return createHash('sha256').update(`${ruleId}\0${file}\0${message}`).digest('hex').slice(0, 32);
}

export function formatSarif(report: ValidationReport, options: SarifOptions = {}): string {
  const docsBase = options.docsBaseUri;
  const pathFor = options.pathFor ?? ((path: string) => path);
  const anchorFile = report.projectFile ?? report.files[0];
  const anchor = anchorFile === undefined ? undefined : pathFor(anchorFile);

  // The rules the results use: in the report's order, then placeholders for unknown ids.
  const known = new Map<string, RuleInfo>();
  for (const rule of report.rules) if (!known.has(rule.id)) known.set(rule.id, rule);
  const findings: Array<{ d: Diagnostic; suppression?: { reason: string; by: 'config' | 'inline' } }> = [
    ...report.diagnostics.map((d) => ({ d })),
    ...report.suppressed.map((s) => ({ d: s.diagnostic, suppression: { reason: s.reason, by: s.by } })),
  ];
  const used = new Set(findings.map((f) => f.d.checkId));
  const rules: RuleInfo[] = [...known.values()].filter((r) => used.has(r.id));
  for (const { d } of findings) {
    if (!rules.some((r) => r.id === d.checkId)) rules.push(placeholderRule(d));
  }
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));

  const occurrences = new Map<string, number>();
  const results: SarifResult[] = findings.map(({ d, suppression }) => {
    // The path as SARIF gives it: an alert keeps its fingerprint wherever validate ran from.
    const file = d.location ? pathFor(d.location.file) : '';
    const hash = fingerprint(d.checkId, file, d.message);
    const n = (occurrences.get(hash) ?? 0) + 1;
    occurrences.set(hash, n);
    const result: SarifResult = {
      ruleId: d.checkId,
      ruleIndex: ruleIndex.get(d.checkId) ?? 0,
      level: sarifLevel(d.severity),
      message: { text: d.fix ? `${d.message}\nFix: ${d.fix}` : d.message },
      partialFingerprints: { [fingerprintKey]: `${hash}:${n}` },
    };
    if (d.location) result.locations = [physical(file, region(d.location))];
    else if (anchor !== undefined) result.locations = [physical(anchor, { startLine: 1, startColumn: 1 })];
    if (suppression) {
      result.suppressions = [
        { kind: suppression.by === 'inline' ? 'inSource' : 'external', justification: suppression.reason },
      ];
    }
    return result;
  });

  const note = cfnLintNote(report);
  const invocation: Record<string, unknown> = { executionSuccessful: true };
  if (note) invocation.toolExecutionNotifications = [{ level: 'warning', message: { text: note } }];

  const log = {
    $schema: sarifSchemaUri,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'packsmith',
            version: report.tool.version,
            ...(options.informationUri ? { informationUri: options.informationUri } : {}),
            rules: rules.map((r) => ruleDescriptor(r, docsBase)),
          },
        },
        originalUriBaseIds: {
          [srcRoot]: options.srcRootUri
            ? { uri: options.srcRootUri }
            : {
                description: { text: 'The folder packsmith validate ran in; every path is relative to it.' },
              },
        },
        invocations: [invocation],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${terminalSafeJson(log, 2)}\n`;
}
