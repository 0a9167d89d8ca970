import type { KeyAttributes, UsageFlags } from '../wire';

/**
 * PSA Crypto API 1.0 (key usage flags): setting SIGN_HASH also grants SIGN_MESSAGE, and VERIFY_HASH also grants
 * VERIFY_MESSAGE; "the flag ... will also be present when the application queries the usage flags of the key".
 * So the attributes a service reports back are the requested ones plus these implied flags, no more.
 */
export function withImpliedUsage(attributes: KeyAttributes): KeyAttributes {
  const usage: UsageFlags = { ...attributes.policy.usage };
  if (usage.signHash) usage.signMessage = true;
  if (usage.verifyHash) usage.verifyMessage = true;
  return { ...attributes, policy: { ...attributes.policy, usage } };
}
