/** Deployment-configuration problems as located diagnostics; their metadata is in src/checks/deploy.ts. */
import { deployChecks, type DeployCheckName } from '../checks/deploy.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { YamlPath, YamlSource } from '../source/yaml-source.js';

export { deployChecks, type DeployCheckName };

/** A deployment-configuration problem as a diagnostic, located at `path` in the file. */
export function deployDiagnostic(
  source: YamlSource,
  name: DeployCheckName,
  message: string,
  path: YamlPath,
  part: 'key' | 'value' = 'value',
): Diagnostic {
  const check = deployChecks[name];
  return {
    checkId: check.id,
    severity: check.severity,
    message,
    fix: check.fix,
    location: source.locate(path, part),
  };
}
