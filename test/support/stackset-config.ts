/**
 * The rollout fixture's deployment configuration with its `iam-baseline` pack turned into a stack
 * set pack: a canary stage (/Root/ou-1), then production (/Root/ou-2) with its own
 * AccessKeysRotatedParamMaxAccessKeyAge of 30; `base` sets the stack set's own value.
 */
export function iamBaselineAsStackSet(config: string, options: { base?: number } = {}): string {
  const replaced = config.replace(
    / {2}iam-baseline:\n {4}targets:\n {6}ous: \[\/Root\]\n/,
    [
      '  iam-baseline:',
      '    engine: stackset',
      ...(options.base === undefined
        ? []
        : [`    parameters: { AccessKeysRotatedParamMaxAccessKeyAge: ${options.base} }`]),
      '    stages:',
      '      - { name: canary, ous: [/Root/ou-1] }',
      '      - name: production',
      '        ous: [/Root/ou-2]',
      '        parameters: { AccessKeysRotatedParamMaxAccessKeyAge: 30 }',
      '',
    ].join('\n'),
  );
  if (!replaced.includes('engine: stackset'))
    throw new Error('the fixture has no iam-baseline pack to turn into a stack set');
  return replaced;
}
