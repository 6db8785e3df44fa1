/** A customer-managed policy of the model, its document rendered once, exactly as it will be sent. */
import type { ConfigPath } from '../config/problems';
import { renderPolicy, type PolicyDocument, type PolicyStatement } from '../iam/policy-document';
import type { ManagedPolicyModel, PolicyPurpose } from './types';

export function managedPolicy(
  name: string,
  purpose: PolicyPurpose,
  description: string,
  statements: readonly PolicyStatement[],
  origin: ConfigPath,
  /** Further config entries it comes from. @default - none: `origin` alone */
  alsoFrom?: readonly ConfigPath[],
): ManagedPolicyModel {
  const document: PolicyDocument = { statements };
  return {
    name,
    purpose,
    description,
    document,
    json: renderPolicy(document),
    origin,
    ...(alsoFrom && alsoFrom.length > 0 ? { alsoFrom } : {}),
  };
}
