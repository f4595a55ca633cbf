/**
 * `@spane/triggers`: what starts workflows from outside. A Web-standard webhook handler
 * (`createWebhookHandler`) that routes `{basePath}/{path}` to the workflows whose webhook triggers
 * match, with body limits, content types, idempotency keys and timestamped HMAC signatures; a
 * bridge to Node's `http` server (`toNodeListener`); and the signature helpers for senders.
 * Schedules are registered on the engine itself (`registerSchedule`, or a definition's `schedule`
 * triggers).
 * @module
 */
export { toNodeListener } from './node-listener.ts';
export {
  ACCEPTED_CONTENT_TYPES,
  type ParsedBody,
  parseWebhookBody,
} from './parse-webhook-body.ts';
export type { WebhookEngine, WebhookTriggerCall } from './webhook-engine.ts';
export {
  createWebhookHandler,
  DEFAULT_MAX_WEBHOOK_BODY_BYTES,
  type WebhookHandler,
  type WebhookHandlerOptions,
} from './webhook-handler.ts';
export type { WebhookErrorCode } from './webhook-responses.ts';
export {
  checkWebhookSignature,
  SIGNATURE_HEADER,
  type SignatureCheck,
  type SignatureProblem,
  signWebhook,
  verifyWebhookSignature,
  type WebhookSignatureOptions,
  type WebhookVerifyOptions,
} from './webhook-signature.ts';
