/**
 * Webhook routing as plain data: the routes a definition declares, path normalisation, and which
 * request headers may be recorded with an execution.
 * @module
 */
import type { ValidationIssue } from '../errors/error-classes.ts';
import type {
  WebhookMethod,
  WebhookSecret,
  WorkflowDefinition,
} from '../model/workflow-definition.ts';

/** One webhook trigger of a registered workflow. */
export interface WebhookRoute {
  workflowId: string;
  /** Normalised: no leading or trailing `/`. */
  path: string;
  method: WebhookMethod;
  /** The secrets a signature may be made with (any one of them); empty when none is required. */
  secrets: readonly WebhookSecret[];
  /** How old a signature may be, in seconds. */
  toleranceSeconds: number;
}

/** Default age limit of a webhook signature, in seconds (5 minutes). */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * Request headers recorded in a webhook execution's metadata by default: what helps to trace a
 * delivery, never credentials.
 */
export const DEFAULT_WEBHOOK_METADATA_HEADERS: readonly string[] = Object.freeze([
  'content-type',
  'user-agent',
  'x-request-id',
  'x-github-event',
  'x-github-delivery',
  'x-gitlab-event',
]);

const NEVER_RECORDED =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key)$|signature|token|secret/i;

/** A webhook path without leading or trailing slashes (`/github/push/` → `github/push`). */
export function normalizeWebhookPath(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

/** The webhook routes a definition declares. */
export function declaredWebhookRoutes(
  definition: Pick<WorkflowDefinition, 'id' | 'triggers'>,
): WebhookRoute[] {
  const routes: WebhookRoute[] = [];
  for (const trigger of definition.triggers ?? []) {
    if (trigger.type !== 'webhook') continue;
    const { secret } = trigger.config;
    routes.push({
      workflowId: definition.id,
      path: normalizeWebhookPath(trigger.config.path),
      method: trigger.config.method ?? 'POST',
      secrets: secret === undefined ? [] : Array.isArray(secret) ? [...secret] : [secret],
      toleranceSeconds: trigger.config.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
    });
  }
  return routes;
}

/** Problems of a definition's webhook triggers: an empty path, or one path and method twice. */
export function checkDeclaredWebhooks(
  definition: Pick<WorkflowDefinition, 'id' | 'triggers'>,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Map<string, number>();
  (definition.triggers ?? []).forEach((trigger, i) => {
    if (trigger.type !== 'webhook') return;
    const path = normalizeWebhookPath(trigger.config.path);
    if (path === '') {
      issues.push({
        path: `triggers[${i}].config.path`,
        message: 'must not be empty',
        kind: 'trigger',
      });
      return;
    }
    const key = `${trigger.config.method ?? 'POST'} ${path}`;
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push({
        path: `triggers[${i}]`,
        message: `repeats the webhook of triggers[${first}] (${key})`,
        kind: 'trigger',
      });
    } else seen.set(key, i);
  });
  return issues;
}

/**
 * The headers to record with a webhook execution: those named in `allow` (case-insensitive), and
 * never credentials or signatures, whatever `allow` says.
 */
export function pickWebhookHeaders(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  allow: readonly string[] = DEFAULT_WEBHOOK_METADATA_HEADERS,
): Record<string, string> {
  const allowed = new Set(allow.map((name) => name.toLowerCase()));
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || !allowed.has(lower) || NEVER_RECORDED.test(lower)) continue;
    out[lower] = typeof value === 'string' ? value : value.join(', ');
  }
  return out;
}
