import type { WebhookSecret } from '@spane/core';

/**
 * The secrets of a trigger as strings: literal ones as they are, `{ env: 'NAME' }` read from
 * `env`. A reference to an unset variable is left out.
 */
export function resolveWebhookSecrets(
  secrets: readonly WebhookSecret[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const out: string[] = [];
  for (const secret of secrets) {
    const value = typeof secret === 'string' ? secret : env[secret.env];
    if (value) out.push(value);
  }
  return out;
}
