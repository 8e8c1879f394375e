import { InvalidArgumentError, Option } from 'commander';

/** Region codes such as us-east-1 or us-gov-west-1 (the deployment configuration's pattern). */
const regionCode = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** `--region R...`: the Regions the packs are meant for; each managed rule unavailable there is reported (PS230). */
export function regionsOption(): Option {
  return new Option(
    '--region <region...>',
    'warn at each managed rule AWS does not document in these Regions (e.g. us-gov-west-1)',
  ).argParser((value: string, previous: string[] | undefined) => {
    if (!regionCode.test(value)) {
      throw new InvalidArgumentError(`"${value}" is not a Region code such as us-gov-west-1`);
    }
    return [...(previous ?? []), value];
  });
}
