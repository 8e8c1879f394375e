import type { RuleParameterType } from '../facts/enums.js';

/** Where a catalog entry came from: AWS documentation (shipped data) or the pack repository. */
export type CatalogOrigin = 'aws' | 'repository';

export interface ManagedRuleParameter {
  name: string;
  type: RuleParameterType;
  /**
   * True when the documentation marks it "(Optional)". `optional: false` with a `default` means the
   * parameter has a default (the documentation only marks "(Optional)"); some optional parameters
   * also document a default.
   */
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
  /**
   * What the rule checks: the opening sentence(s) of its Developer Guide page, verbatim AWS wording
   * (usually also when it is NON_COMPLIANT). Absent for entries that have none (e.g. an extension's).
   */
  description?: string;
  /** The rule's AWS Config Developer Guide page (https://docs.aws.amazon.com/config/latest/developerguide/NAME.html). */
  documentationUrl?: string;
  /**
   * The Regions where AWS documents the rule: exactly one of `available` or `unavailable`, both
   * relative to the catalog's documented Regions (`Catalog.documentedRegions()`). Absent: no data.
   */
  availability?: RegionAvailability;
  /** The documentation's deprecation note, when it has one. */
  deprecated?: string;
  origin: CatalogOrigin;
  /**
   * Where each fact came from (documentation page, snapshot, repository file). Keys: `source` (the
   * page the entry was read from), `triggers`, `resourceTypes`, `parameters`, `description` (where
   * the description was read, `<source>@<commit>`, and any note on it), optionally
   * `triggerText` (the documentation's own words for the trigger), `alsoIn` (another page with the
   * same rule), `availability` (the page its Regions were read from) and `extension` (the catalog extension file that corrected or added the entry).
   */
  provenance: Record<string, string>;
}

/** Exactly one list is set; a documented Region in neither is available (`unavailable`) or not (`available`). */
export interface RegionAvailability {
  available?: string[];
  unavailable?: string[];
}

/**
 * Whether AWS documents a rule in a Region. `unknown`: the rule has no availability data, or the
 * Region is not one the catalog has data for (launched later, ISO partitions, ...): never a reason
 * to warn.
 */
export type RuleAvailability = 'available' | 'unavailable' | 'unknown';

/** The Regions the availability data covers, and where that data came from. */
export interface RegionCatalog {
  regions: string[];
  partitions: Record<string, string[]>;
  regionNames: Record<string, string>;
  generated: string;
  sources: Array<{ name: string; url_or_repo_path: string; commit_or_date: string }>;
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

/** One use of a runbook in AWS's sample conformance packs (the only confirmed parameter bindings). */
export interface RunbookSampleUse {
  /** Sample pack file name. */
  pack: string;
  /** SourceIdentifier of the rule the remediation is attached to. */
  configRule: string;
  /** Parameters bound to RESOURCE_ID in that sample. */
  resourceIdParameter: string[];
  /** Parameters given a StaticValue in that sample. */
  staticParameters: string[];
  targetType: string;
  /** `null` when the sample does not set `Automatic`. */
  automatic: boolean | null;
}

export interface Runbook {
  /** SSM document name, e.g. `AWS-EnableS3BucketEncryption`. */
  name: string;
  parameters: RunbookParameter[];
  /** The parameter that takes the automation role, usually `AutomationAssumeRole`. */
  assumeRoleParameter?: string;
  /** A name-based guess at the parameter that takes the non-compliant resource's id; not a documented fact. */
  resourceIdParameterCandidates: string[];
  /**
   * The parameter that takes the resource id when it is confirmed: every use in AWS's sample packs
   * binds it, or a catalog extension declares it (`resourceIdParameter`). Absent otherwise.
   */
  resourceIdParameter?: string;
  /** Document name prefix: `AWS`, `AWSConfigRemediation`, `AWSSupport`, `AWSEC2`, ... */
  family?: string;
  /** SSM document type when the documentation states it (`Automation`). */
  documentType?: string;
  /** Uses of this runbook in AWS's sample conformance packs, when any were seen. */
  observedInSamplePacks?: RunbookSampleUse[];
  origin: CatalogOrigin;
  /**
   * Where each fact came from. Keys: `source` (the documentation page), `snapshot`, `parameters`,
   * `resourceIdParameterCandidates`, optionally `resourceIdParameter`, `parseWarnings` (problems the
   * documentation parser reported, joined with "; "), `parameters.<name>.type` and
   * `parameters.<name>.required` (for parameters whose type or required flag was not documented),
   * `assumeRoleParameter` and `extension` (the catalog extension file that corrected or added it).
   */
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
  /** The Regions the availability data covers (sorted); any other Region is `unknown`. */
  documentedRegions(): readonly string[];
  /** Whether AWS documents the rule in the Region (`unknown` when there is no data). */
  availability(identifier: string, region: string): RuleAvailability;
  /** Close matches for a mistyped identifier or runbook name, best first. */
  suggestRules(identifier: string, max?: number): string[];
  suggestRunbooks(name: string, max?: number): string[];
}
