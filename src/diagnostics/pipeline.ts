/**
 * The one way every command turns raw findings into what it reports: duplicates merged (one defect
 * found twice, by two stages or by cfn-lint and packsmith, is one finding), the repository's check
 * settings applied, inline `packsmith-ignore` markers applied, stable order. Pure.
 */
import type { CheckMeta } from './check-meta.js';
import { sortDiagnostics, type Diagnostic, type Severity } from './diagnostic.js';
import { applyMarkers, parseMarkers } from './suppress.js';

/** A repository's setting for one check (packsmith.config.yaml `checks:`). */
export interface CheckSetting {
  severity?: Severity;
  enabled?: boolean;
  reason: string;
}

export interface SuppressedFinding {
  diagnostic: Diagnostic;
  /** Why: the reason written in the configuration or the inline marker. */
  reason: string;
  by: 'config' | 'inline';
}

export interface PipelineInput {
  diagnostics: readonly Diagnostic[];
  /** Findings already suppressed upstream (e.g. by cfn-lint's own suppression table). */
  suppressed?: readonly SuppressedFinding[];
  /** Per check id, from the repository configuration. */
  settings?: Readonly<Record<string, CheckSetting>>;
  /** Text of every file whose inline markers apply, by display path. */
  files: ReadonlyMap<string, string>;
  /** Metadata of packsmith's checks, for the cfn-lint rules each one also covers (`sameAs`). */
  checks: readonly CheckMeta[];
}

export interface PipelineResult {
  /** What is reported, sorted. */
  diagnostics: Diagnostic[];
  suppressed: SuppressedFinding[];
}

export function finalizeDiagnostics(input: PipelineInput): PipelineResult {
  const merged = mergeEquivalent(dropDuplicates(input.diagnostics), input.checks);
  const suppressed: SuppressedFinding[] = [...(input.suppressed ?? [])];
  const configured: Diagnostic[] = [];
  for (const d of merged) {
    const setting = Object.hasOwn(input.settings ?? {}, d.checkId) ? input.settings![d.checkId] : undefined;
    if (!setting) configured.push(d);
    else if (setting.enabled === false)
      suppressed.push({ diagnostic: d, reason: setting.reason, by: 'config' });
    else configured.push(setting.severity ? { ...d, severity: setting.severity } : d);
  }
  const kept: Diagnostic[] = [];
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of configured) {
    const file = d.location?.file;
    if (file === undefined || !input.files.has(file)) kept.push(d);
    else byFile.set(file, [...(byFile.get(file) ?? []), d]);
  }
  for (const [file, text] of input.files) {
    const result = applyMarkers(file, parseMarkers(text), byFile.get(file) ?? []);
    kept.push(...result.kept, ...result.problems);
    suppressed.push(...result.suppressed.map((s) => ({ ...s, by: 'inline' as const })));
  }
  return { diagnostics: sortDiagnostics(kept), suppressed };
}

const placeKey = (d: Diagnostic): string =>
  d.location ? `${d.location.file}:${d.location.line}:${d.location.column}` : '';

/**
 * One finding per check and place: the same defect reached twice (an authoring file checked, and
 * the template built from it mapped back to the same line) is reported once, the first time.
 */
export function dropDuplicates(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.checkId}@${placeKey(d) || d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A cfn-lint finding on a line where packsmith reports the check that covers the same defect
 * (its metadata's `sameAs`) is folded into packsmith's finding, which notes cfn-lint's id.
 */
export function mergeEquivalent(
  diagnostics: readonly Diagnostic[],
  checks: readonly CheckMeta[],
): Diagnostic[] {
  const coveredBy = new Map<string, string[]>();
  for (const meta of checks) {
    for (const id of meta.sameAs ?? []) coveredBy.set(id, [...(coveredBy.get(id) ?? []), meta.id]);
  }
  const lineKey = (d: Diagnostic, id: string) =>
    d.location ? `${id}@${d.location.file}:${d.location.line}` : undefined;
  const own = new Map<string, Diagnostic>();
  for (const d of diagnostics) {
    const key = lineKey(d, d.checkId);
    if (key && !coveredBy.has(d.checkId) && !own.has(key)) own.set(key, d);
  }
  const alsoFound = new Map<Diagnostic, string[]>();
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const covering = (coveredBy.get(d.checkId) ?? [])
      .map((id) => {
        const key = lineKey(d, id);
        return key ? own.get(key) : undefined;
      })
      .find((x): x is Diagnostic => x !== undefined);
    if (covering) alsoFound.set(covering, [...(alsoFound.get(covering) ?? []), d.checkId]);
    else out.push(d);
  }
  return out.map((d) => {
    const ids = alsoFound.get(d);
    return ids ? { ...d, alsoReportedBy: [...new Set([...(d.alsoReportedBy ?? []), ...ids])].sort() } : d;
  });
}
