/**
 * Inline suppressions: a comment `# packsmith-ignore PS112: reason` silences the named checks for
 * the finding on its own line (a trailing comment) or on the next line that is not a comment.
 * A marker without a reason suppresses nothing and is itself reported (PS002).
 */
import type { CheckMeta } from './check-meta.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';

export const suppressionWithoutReason: CheckMeta = {
  id: 'PS002',
  name: 'suppression-without-reason',
  severity: 'error',
  summary: 'An inline `packsmith-ignore` marker gives no reason.',
  rationale: 'Every suppressed finding must say why, so a reviewer can judge it later.',
  fix: 'Write the reason after a colon: `# packsmith-ignore PS112: the rule takes this parameter since 2025`.',
};

export interface Marker {
  /** 1-based line the marker applies to. */
  line: number;
  ids: string[];
  reason: string;
  /** Where the marker itself is. */
  markerLine: number;
  markerColumn: number;
}

const markerPattern =
  /#\s*packsmith-ignore\s+((?:[A-Z]+[0-9]+)(?:\s*,\s*[A-Z]+[0-9]+)*)\s*(?::\s*(.*\S))?\s*$/;

/** Every marker of a file, resolved to the line it applies to. */
export function parseMarkers(text: string): Marker[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const markers: Marker[] = [];
  lines.forEach((line, index) => {
    const hash = line.indexOf('#');
    if (hash < 0) return;
    const m = markerPattern.exec(line.slice(hash));
    if (!m) return;
    const ids = m[1]!.split(',').map((s) => s.trim());
    const ownLine = line.slice(0, hash).trim() !== '';
    let target = index;
    if (!ownLine) {
      target = index + 1;
      while (target < lines.length && /^\s*(#.*)?$/.test(lines[target]!)) target++;
    }
    markers.push({
      line: target + 1,
      ids,
      reason: m[2] ?? '',
      markerLine: index + 1,
      markerColumn: hash + 1,
    });
  });
  return markers;
}

export interface SuppressionResult {
  kept: Diagnostic[];
  suppressed: Array<{ diagnostic: Diagnostic; reason: string }>;
  /** Markers without a reason. */
  problems: Diagnostic[];
}

/** Applies the markers of `file` to the findings located in it. */
export function applyMarkers(
  file: string,
  markers: readonly Marker[],
  diagnostics: readonly Diagnostic[],
): SuppressionResult {
  const kept: Diagnostic[] = [];
  const suppressed: SuppressionResult['suppressed'] = [];
  const problems: Diagnostic[] = markers
    .filter((m) => m.reason === '')
    .map((m) => ({
      checkId: suppressionWithoutReason.id,
      severity: suppressionWithoutReason.severity,
      message: `packsmith-ignore ${m.ids.join(', ')} gives no reason, so it suppresses nothing`,
      fix: suppressionWithoutReason.fix,
      location: { file, line: m.markerLine, column: m.markerColumn },
    }));
  for (const d of diagnostics) {
    const marker =
      d.location?.file === file
        ? markers.find((m) => m.reason !== '' && m.line === d.location!.line && m.ids.includes(d.checkId))
        : undefined;
    if (marker) suppressed.push({ diagnostic: d, reason: marker.reason });
    else kept.push(d);
  }
  return { kept, suppressed, problems };
}
