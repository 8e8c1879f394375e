import type { RuleParameterType } from '../facts/enums.js';

/** Where a catalog entry came from: AWS documentation (shipped data) or the pack repository. */
export type CatalogOrigin = 'aws' | 'repository';

export interface ManagedRuleParameter {
  name: string;
  type: RuleParameterType;
  /** True when the documentation marks it "(Optional)". A parameter with a default is not optional. */
  optional: boolean;
  /** The documented default, as the string a template would carry. */
  default?: string;
}

export interface ManagedRule {
  /** SourceIdentifier, e.g. `S3_BUCKET_VERSIONING_ENABLED`. */
  identifier: string;
  /** Documented rule name, e.g. `s3-bucket-versioning-enabled`. */
  name: string;
  triggers: { configurationChange: boolean; periodic: boolean };
  /** Resource types the rule evaluates; empty for account-level rules. */
  resourceTypes: string[];
  parameters: ManagedRuleParameter[];
  origin: CatalogOrigin;
  /** Where each fact came from (documentation page, snapshot, repository file). */
  provenance: Record<string, string>;
}

export interface RunbookParameter {
  name: string;
  /** SSM parameter type as documented: String, Boolean, Integer, StringList, ... */
  type: string;
  required: boolean;
  default?: string;
  allowedValues?: string[];
  allowedPattern?: string;
}

export interface Runbook {
  /** SSM document name, e.g. `AWS-EnableS3BucketEncryption`. */
  name: string;
  parameters: RunbookParameter[];
  /** The parameter that takes the automation role, usually `AutomationAssumeRole`. */
  assumeRoleParameter?: string;
  /** A name-based guess at the parameter that takes the non-compliant resource's id; not a documented fact. */
  resourceIdParameterCandidates: string[];
  origin: CatalogOrigin;
  provenance: Record<string, string>;
}

/** Typed lookups over managed rules and runbooks; every stage reads the catalog through this. */
export interface Catalog {
  rule(identifier: string): ManagedRule | undefined;
  runbook(name: string): Runbook | undefined;
  /** True for catalog rules and for `AWS_CONFIG_PROCESS_CHECK`. */
  isKnownRuleIdentifier(identifier: string): boolean;
  rules(): readonly ManagedRule[];
  runbooks(): readonly Runbook[];
  /** Close matches for a mistyped identifier or runbook name, best first. */
  suggestRules(identifier: string, max?: number): string[];
  suggestRunbooks(name: string, max?: number): string[];
}
