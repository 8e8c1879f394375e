import type { Command } from 'commander';

export function registerCatalog(program: Command): void {
  program.command('catalog').description('Look up AWS managed rules and runbooks in the offline catalog.');
}
