/**
 * Every packsmith check, authoring and template, by id: what the docs page, SARIF rule metadata and
 * the configuration's check ids are drawn from. A check id means one thing everywhere: the same
 * mistake in an authoring file and in a template has the same id.
 */
import { authoringChecks } from '../authoring/problems.js';
import type { CheckMeta } from '../diagnostics/check-meta.js';
import { deployChecks } from '../checks/deploy.js';
import { guardChecks } from '../checks/guard.js';
import { templateChecks } from './checks/index.js';
import { suppressionWithoutReason } from '../diagnostics/suppress.js';

export function allChecks(): CheckMeta[] {
  const byId = new Map<string, CheckMeta>();
  for (const meta of [
    suppressionWithoutReason,
    ...Object.values(authoringChecks),
    ...templateChecks.map((c) => c.meta),
    ...Object.values(deployChecks),
    ...Object.values(guardChecks),
  ]) {
    const seen = byId.get(meta.id);
    if (seen && seen !== meta)
      throw new Error(`two checks share the id ${meta.id}: ${seen.name} and ${meta.name}`);
    byId.set(meta.id, meta);
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}
