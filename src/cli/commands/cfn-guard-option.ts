import { Option } from 'commander';

/** `--cfn-guard auto|require|off`, shared by the commands that check Guard policies. */
export function cfnGuardOption(): Option {
  return new Option(
    '--cfn-guard <mode>',
    'parse Guard policies with cfn-guard: auto (when installed), require, off',
  )
    .choices(['auto', 'require', 'off'])
    .default('auto');
}
